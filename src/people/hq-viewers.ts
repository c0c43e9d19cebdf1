/**
 * D16: viewers at the NSC Personnel Department (HQ). They see the dashboard's statistics of every
 * institution, and nothing that names a person. The administrator adds and removes them by Telegram id;
 * a removed viewer keeps the row (removed_at), and adding them again restores it. Audited by ids only.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { MenuButton } from "grammy/types";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { hqViewers, students, users } from "../db/schema";
import { InputError } from "../errors";
import { type Actor, by, textField } from "./institutions";
import { chatLanguage, queueButtonReset, queueMenuButton } from "./menu-button";

export type HqViewer = typeof hqViewers.$inferSelect;

const nameSchema = textField("name", 200);

/** The viewer of this Telegram account, if active. */
export async function activeHqViewer(db: Executor, telegramId: number): Promise<HqViewer | null> {
  const [row] = await db
    .select()
    .from(hqViewers)
    .where(and(eq(hqViewers.telegramId, telegramId), isNull(hqViewers.removedAt)));
  return row ?? null;
}

/** Every viewer, active or removed, in the order they were added. */
export function listHqViewers(db: Executor): Promise<HqViewer[]> {
  return db.select().from(hqViewers).orderBy(asc(hqViewers.id));
}

/**
 * Adds a viewer, or restores a removed one (the name as given now). An active viewer is left as is and
 * refused: nothing to add.
 */
export async function addHqViewer(
  db: Db,
  telegramId: number,
  fullName: string,
  now: Date,
  opts: {
    actor?: Actor;
    /** The dashboard's button in the chat's language (issue 18), queued with the change when the dashboard is on. */
    button?: (lang: string) => MenuButton;
  } = {},
): Promise<{ viewer: HqViewer; restored: boolean }> {
  const { actor } = opts;
  const parsed = nameSchema.safeParse(fullName);
  if (!parsed.success) throw new InputError(parsed.error.issues[0]!.message);
  return db.transaction(async (tx) => {
    // D16: learners see nothing of the dashboard; one account is never both (as issue 12.8 keeps duties apart).
    const [learner] = await tx
      .select({ id: students.id })
      .from(students)
      .innerJoin(users, eq(users.id, students.userId))
      .where(and(eq(users.telegramId, telegramId), eq(students.active, true)));
    if (learner)
      throw new InputError(
        `Telegram account ${telegramId} is bound to a learner's roster entry: a learner cannot be an HQ viewer`,
      );
    const [existing] = await tx
      .select()
      .from(hqViewers)
      .where(eq(hqViewers.telegramId, telegramId))
      .for("update");
    if (existing && existing.removedAt === null)
      throw new InputError(`Telegram account ${telegramId} is already an HQ viewer (see: hq list)`);
    const [viewer] = existing
      ? await tx
          .update(hqViewers)
          .set({ fullName: parsed.data, addedAt: now, removedAt: null })
          .where(eq(hqViewers.id, existing.id))
          .returning()
      : await tx.insert(hqViewers).values({ telegramId, fullName: parsed.data, addedAt: now }).returning();
    if (!viewer) throw new Error("hq viewer upsert returned nothing");
    await audit(tx, { at: now, action: "hq.added", ...by(actor, { hqViewerId: viewer.id, telegramId }) });
    if (opts.button)
      await queueMenuButton(tx, telegramId, opts.button(await chatLanguage(tx, telegramId)), now);
    return { viewer, restored: existing !== undefined };
  });
}

/** Removes an active viewer (the row stays, with removed_at). */
export async function removeHqViewer(
  db: Db,
  telegramId: number,
  now: Date,
  actor?: Actor,
): Promise<HqViewer> {
  return db.transaction(async (tx) => {
    const [viewer] = await tx
      .update(hqViewers)
      .set({ removedAt: now })
      .where(and(eq(hqViewers.telegramId, telegramId), isNull(hqViewers.removedAt)))
      .returning();
    if (!viewer) throw new InputError(`Telegram account ${telegramId} is not an HQ viewer (see: hq list)`);
    await audit(tx, { at: now, action: "hq.removed", ...by(actor, { hqViewerId: viewer.id, telegramId }) });
    // Issue 18: the dashboard's button goes, unless they are also an official.
    await queueButtonReset(tx, telegramId, now);
    return viewer;
  });
}
