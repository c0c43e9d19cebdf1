/**
 * Institutions: the code an administrator types, the names and the head's title for the report's address
 * line (kk/ru), the digest hour, the working week (D1), the target for steps without a statutory period
 * (D3), extra opinion-givers beside the deputy head for personnel (D4), the reimbursement map (D5) and how to reach the personnel subdivision (told to a learner who
 * writes outside any flow, issue 14.5). Also the small pieces the other people modules share: who made a
 * change, and the input checks (the errors live in src/errors.ts).
 */
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import type { Db, Executor } from "../db/client";
import { institutions } from "../db/schema";
import { InputError, isUniqueViolation } from "../errors";
import { DEFAULT_TARGET_WORKING_DAYS, GROUNDS, isRole, ROLES, type Role } from "../rules";

/** Who made a change, for the audit trail (ids only). `via` says through what, e.g. "cli". */
export interface Actor {
  userId?: number | null;
  officialId?: number | null;
  via?: string;
}

/** The actor columns and details of an audit event (`via` goes into details). */
export const by = (actor: Actor | undefined, details: Record<string, unknown> = {}) => ({
  actorUserId: actor?.userId ?? null,
  actorOfficialId: actor?.officialId ?? null,
  details: actor?.via ? { ...details, via: actor.via } : Object.keys(details).length > 0 ? details : null,
});

export type Institution = typeof institutions.$inferSelect;

/**
 * D4: roles that may endorse before the deputy head for personnel. The head decides, the deputy for
 * personnel is always there, and the administrator has no say in a case.
 */
export const ENDORSER_ROLES: readonly Role[] = ROLES.filter(
  (r) => r !== "head" && r !== "deputy_personnel" && r !== "admin",
);

const normalizeCode = (code: string) => code.normalize("NFC").trim().toUpperCase();

/** Control characters (line breaks, NUL, …): never in a name or a title. */
export const CONTROL_RE = /\p{Cc}/u;

/** A required one-line text: NFC, trimmed, runs of spaces collapsed, at most `max` characters. */
export const textField = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .refine((s) => !CONTROL_RE.test(s.trim()), `${label} contains a line break or a control character`)
    .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
    .pipe(z.string().min(1, `${label} is required`).max(max, `${label} is longer than ${max} characters`));

/** How to reach the personnel subdivision (phone, room, hours): one line, or "" for none (ask in person). */
const personnelContact = z
  .string()
  .refine((s) => !CONTROL_RE.test(s.trim()), "personnel contact contains a line break or a control character")
  .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(z.string().max(300, "personnel contact is longer than 300 characters"));

const codeSchema = z
  .string({ error: "code is required" })
  .transform(normalizeCode)
  .pipe(z.string().regex(/^[\p{L}\p{N}_-]{2,32}$/u, "code must be 2–32 letters, digits, - or _ (no spaces)"));

const HOUR = "reminder hour must be a whole number 0–23";
const reminderHour = z.number({ error: HOUR }).int(HOUR).min(0, HOUR).max(23, HOUR);

const WEEKDAY = "week days must be ISO weekdays 1 (Monday) … 7 (Sunday)";
const weekPattern = z
  .array(z.number().int(WEEKDAY).min(1, WEEKDAY).max(7, WEEKDAY))
  .min(1, "the week needs at least one working day")
  .refine((days) => new Set(days).size === days.length, "a week day is listed twice")
  .transform((days) => [...days].sort((a, b) => a - b));

const TARGET = "the target must be a whole number of working days from 1 to 30";
/** D3: one target for every step without a statutory period; statutory periods cannot be changed. */
const targetDays = z.number({ error: TARGET }).int(TARGET).min(1, TARGET).max(30, TARGET);

const endorsers = z
  .array(z.string())
  .superRefine((roles, ctx) => {
    for (const r of roles) {
      if (!(ENDORSER_ROLES as readonly string[]).includes(r))
        ctx.addIssue({
          code: "custom",
          message: `"${r}" cannot be an endorser: use ${ENDORSER_ROLES.join(", ")} (D4)`,
        });
    }
    if (new Set(roles).size !== roles.length)
      ctx.addIssue({ code: "custom", message: "an endorser is listed twice" });
  })
  .transform((roles) => roles.filter(isRole));

/** D5: a map keyed by ground. */
const groundMap = <V extends z.ZodType<boolean | null>>(value: V) =>
  z.record(z.string(), value).superRefine((map, ctx) => {
    for (const k of Object.keys(map))
      if (!(GROUNDS as readonly string[]).includes(k))
        ctx.addIssue({ code: "custom", message: `"${k}" is not a ground: use ${GROUNDS.join(", ")}` });
  });
const reimbursement = groundMap(z.boolean({ error: "reimbursement values must be true or false" }));
const reimbursementPatch = groundMap(z.boolean().nullable());

const newInstitution = z.object({
  code: codeSchema,
  nameKk: textField("name (kk)", 300),
  nameRu: textField("name (ru)", 300),
  headTitleKk: textField("head's title (kk)", 300),
  headTitleRu: textField("head's title (ru)", 300),
  reminderHour: reminderHour.default(9),
  weekPattern: weekPattern.default([1, 2, 3, 4, 5]),
  targetDays: targetDays.default(DEFAULT_TARGET_WORKING_DAYS),
  endorsers: endorsers.default([]),
  reimbursement: reimbursement.default({}),
  personnelContact: personnelContact.default(""),
});

const institutionPatch = z.object({
  nameKk: textField("name (kk)", 300).optional(),
  nameRu: textField("name (ru)", 300).optional(),
  headTitleKk: textField("head's title (kk)", 300).optional(),
  headTitleRu: textField("head's title (ru)", 300).optional(),
  reminderHour: reminderHour.optional(),
  weekPattern: weekPattern.optional(),
  targetDays: targetDays.optional(),
  endorsers: endorsers.optional(),
  /** Merged into the stored map; null removes a ground's override (back to DEFAULT_REIMBURSEMENT). */
  reimbursement: reimbursementPatch.optional(),
  personnelContact: personnelContact.optional(),
});

export type InstitutionInput = z.input<typeof newInstitution>;
export type InstitutionPatch = z.input<typeof institutionPatch>;

/** Parses with zod and turns the issues into one InputError line. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  throw new InputError([...new Set(res.error.issues.map((i) => i.message))].join("; "));
}

const noSuchInstitution = (code: string) => `no institution with code "${code}" (see: institution list)`;

export async function findInstitution(db: Executor, code: string): Promise<Institution | null> {
  const [row] = await db
    .select()
    .from(institutions)
    .where(eq(institutions.code, normalizeCode(code)));
  return row ?? null;
}

export async function requireInstitution(db: Executor, code: string): Promise<Institution> {
  const row = await findInstitution(db, code);
  if (!row) throw new InputError(noSuchInstitution(code));
  return row;
}

export async function getInstitution(db: Executor, id: number): Promise<Institution | null> {
  const [row] = await db.select().from(institutions).where(eq(institutions.id, id));
  return row ?? null;
}

export function listInstitutions(db: Executor): Promise<Institution[]> {
  return db.select().from(institutions).orderBy(asc(institutions.code));
}

/** The settings (not the row's bookkeeping) for the audit trail; institutions hold no personal data. */
const settings = (i: Institution) => ({
  code: i.code,
  nameKk: i.nameKk,
  nameRu: i.nameRu,
  headTitleKk: i.headTitleKk,
  headTitleRu: i.headTitleRu,
  reminderHour: i.reminderHour,
  weekPattern: i.weekPattern,
  targetDays: i.targetDays,
  endorsers: i.endorsers,
  reimbursement: i.reimbursement,
  personnelContact: i.personnelContact,
});

export async function addInstitution(
  db: Db,
  input: InstitutionInput,
  now: Date,
  actor?: Actor,
): Promise<Institution> {
  const v = validate(newInstitution, input);
  return db.transaction(async (tx) => {
    if (await findInstitution(tx, v.code)) throw new InputError(`institution "${v.code}" already exists`);
    let row: Institution | undefined;
    try {
      [row] = await tx.insert(institutions).values(v).returning();
    } catch (err) {
      if (isUniqueViolation(err)) throw new InputError(`institution "${v.code}" already exists`);
      throw err;
    }
    if (!row) throw new Error("institution insert returned nothing");
    await audit(tx, {
      at: now,
      action: "institution.added",
      ...by(actor),
      institutionId: row.id,
      after: settings(row),
    });
    return row;
  });
}

/** Changes the given settings; returns the row after. Records before/after of what changed. */
export async function updateInstitution(
  db: Db,
  code: string,
  patch: InstitutionPatch,
  now: Date,
  actor?: Actor,
): Promise<{ institution: Institution; changed: string[] }> {
  const v = validate(institutionPatch, patch);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(institutions)
      .where(eq(institutions.code, normalizeCode(code)))
      .for("update");
    if (!before) throw new InputError(noSuchInstitution(code));
    const next: Partial<Institution> = {};
    for (const key of [
      "nameKk",
      "nameRu",
      "headTitleKk",
      "headTitleRu",
      "reminderHour",
      "weekPattern",
      "targetDays",
      "endorsers",
      "personnelContact",
    ] as const) {
      if (v[key] !== undefined) (next as Record<string, unknown>)[key] = v[key];
    }
    if (v.reimbursement) {
      const map: Record<string, boolean> = { ...before.reimbursement };
      for (const [ground, value] of Object.entries(v.reimbursement)) {
        if (value === null) delete map[ground];
        else map[ground] = value;
      }
      next.reimbursement = map;
    }
    const changed = Object.keys(next).filter(
      (k) =>
        JSON.stringify((next as Record<string, unknown>)[k]) !==
        JSON.stringify((before as Record<string, unknown>)[k]),
    );
    if (changed.length === 0) return { institution: before, changed };
    const [after] = await tx.update(institutions).set(next).where(eq(institutions.id, before.id)).returning();
    if (!after) throw new Error("institution update returned nothing");
    const pick = (i: Institution) =>
      Object.fromEntries(changed.map((k) => [k, (settings(i) as Record<string, unknown>)[k]]));
    await audit(tx, {
      at: now,
      action: "institution.updated",
      ...by(actor),
      institutionId: after.id,
      before: pick(before),
      after: pick(after),
    });
    return { institution: after, changed };
  });
}
