/**
 * The daily digest (issue "Deadlines at work"): once per official per local date, at the institution's
 * reminder hour (Asia/Almaty) on its working days (D1), the pending steps of the roles the official holds
 * today (own or delegated), grouped: overdue (with working days), due today, due within the next two working
 * days; the head (and, for personnel steps, the deputy head for personnel work) also sees the overdue
 * statutory steps of others as escalations. Targets (D3) are listed but never escalated.
 *
 * Set-based: two queries for the holdings (own roles, delegations), one for the pending steps of every due
 * institution; grouping and rendering in memory (officials with the same roles share their groups and, per
 * language, their message; labels and due lines are rendered once). Exactly once: the (official, date) row of
 * digests_sent is claimed with INSERT … ON CONFLICT DO NOTHING RETURNING in the transaction that enqueues the
 * message, so several runners on one database and restarts never double-send. Officials with nothing to
 * report are claimed too (no message): the day's digest is settled for them, and later ticks skip them.
 * A bot that was down at the reminder hour catches up on its next tick of the same local day only.
 *
 * D14: the institution's head and administrators also get, every day until someone can act, the pending
 * steps whose role nobody at the institution holds in the bot today (even with nothing else to report).
 */
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import { NO_HOLDER_RECIPIENT_ROLES, waitingOnNobody } from "../cases/no-holder";
import { enqueue, type OutMessage } from "../cases/outbox";
import { pendingSteps } from "../cases/queries";
import { type Db, rowsOf } from "../db/client";
import { caseSteps, digestsSent } from "../db/schema";
import { renderDigest } from "../messages/digest";
import type { Rendered } from "../messages/keyboards";
import { cachedIn as cached } from "../messages/memo";
import { type Holding, holdingsOn } from "../people/holders";
import {
  addWorkingDays,
  type DueKind,
  escalates,
  escalationRoles,
  isOverdue,
  type LocalDate,
  localDateOf,
  type Role,
  type StepKey,
} from "../rules";
import { institutionsAt } from "./schedule";

/** A pending step as the digest sees it (no personal data: ids, keys, dates). */
export interface DigestStep {
  id: number;
  caseId: number;
  institutionId: number;
  key: StepKey;
  role: Role;
  dueOn: LocalDate;
  dueKind: DueKind | null;
  cite: string;
}

export interface DigestGroups {
  overdue: DigestStep[];
  today: DigestStep[];
  soon: DigestStep[];
  /** Overdue statutory steps of other roles that escalate to a role this official holds. */
  escalations: DigestStep[];
  /** D14, for the head and administrators: the institution's pending steps whose role nobody holds today. */
  noHolder: DigestStep[];
}

export interface BuiltDigest {
  officialId: number;
  institutionId: number;
  chatId: number;
  lang: string;
  groups: DigestGroups;
  /** null: nothing to report (no message). */
  message: Rendered | null;
}

export interface DigestBuild {
  /** Every official whose digest is due now and not yet claimed (with or without a message). */
  digests: BuiltDigest[];
}

const byDue = (a: DigestStep, b: DigestStep) =>
  a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.caseId - b.caseId || a.id - b.id;

/**
 * Pure: the groups of one official. `steps` are the institution's pending steps due on or before
 * `horizon` (the second working day after today); `roles` are the roles the official holds today.
 */
export function groupDigest(
  roles: ReadonlySet<Role>,
  stepsByRole: ReadonlyMap<Role, readonly DigestStep[]>,
  overdueStatutory: readonly DigestStep[],
  today: LocalDate,
  horizon: LocalDate,
  now: Date,
  late: (dueOn: LocalDate) => boolean = (dueOn) => isOverdue(dueOn, now),
): DigestGroups {
  const g: DigestGroups = { overdue: [], today: [], soon: [], escalations: [], noHolder: [] };
  for (const role of roles) {
    for (const s of stepsByRole.get(role) ?? []) {
      if (late(s.dueOn)) g.overdue.push(s);
      else if (s.dueOn === today) g.today.push(s);
      else if (s.dueOn <= horizon) g.soon.push(s);
    }
  }
  for (const s of overdueStatutory) {
    if (roles.has(s.role)) continue; // already in this official's own overdue list
    if (escalationRoles(s.role).some((r) => roles.has(r))) g.escalations.push(s);
  }
  g.overdue.sort(byDue);
  g.today.sort(byDue);
  g.soon.sort(byDue);
  g.escalations.sort(byDue);
  return g;
}

export const isEmptyDigest = (g: DigestGroups): boolean =>
  g.overdue.length + g.today.length + g.soon.length + g.escalations.length + g.noHolder.length === 0;

/**
 * Builds (does not send) the digests due at `now`: institutions whose reminder hour has come on a working
 * day of their calendar, officials holding a role there today whose digest for today is not claimed yet.
 */
export async function buildDigests(
  db: Db,
  now: Date,
  opts: { botUsername?: string | null } = {},
): Promise<DigestBuild> {
  const due = (await institutionsAt(db, now)).filter((i) => i.workingDay && i.afterReminderHour);
  if (due.length === 0) return { digests: [] };
  const today = due[0]!.today;
  const byInst = new Map(
    due.map((i) => [i.inst.id, { ...i, horizon: addWorkingDays(today, 2, i.calendar) }]),
  );
  const instIds = [...byInst.keys()];

  const holdings = await holdingsOn(db, instIds, today, { withoutDigestOn: today });
  if (holdings.length === 0) return { digests: [] };
  // Local dates compare as strings (YYYY-MM-DD).
  const maxHorizon =
    [...byInst.values()]
      .map((i) => i.horizon)
      .sort()
      .at(-1) ?? today;

  const rows = await pendingSteps(
    db,
    instIds,
    and(isNotNull(caseSteps.dueOn), lte(caseSteps.dueOn, maxHorizon)),
  );
  // Whether a due day has passed, asked once per distinct day (a few hundred), not per step and official.
  const lateByDay = new Map<LocalDate, boolean>();
  const late = (dueOn: LocalDate) => cached(lateByDay, dueOn, () => isOverdue(dueOn, now));
  const stepsByInst = indexSteps(rows as DigestStep[], byInst, late);
  const noHolderByInst = await noHolderSteps(db, holdings, today);

  // Officials of one institution with the same roles share the groups, and per language the message.
  const groupCache = new Map<string, DigestGroups>();
  const messageCache = new Map<string, Rendered>();
  const lineCaches = new Map<number, Map<string, string>>();
  const digests: BuiltDigest[] = [];
  for (const { h, roles } of rolesByOfficial(holdings).values()) {
    const inst = byInst.get(h.institutionId)!;
    const roleKey = `${h.institutionId}|${[...roles].sort().join(",")}`;
    const groups = cached(groupCache, roleKey, () => {
      const e = stepsByInst.get(h.institutionId) ?? NO_STEPS;
      const g = groupDigest(roles, e.byRole, e.overdueStatutory, today, inst.horizon, now, late);
      if (NO_HOLDER_RECIPIENT_ROLES.some((r) => roles.has(r)))
        g.noHolder = noHolderByInst.get(h.institutionId) ?? [];
      return g;
    });
    const message =
      isEmptyDigest(groups) || h.unreachable
        ? null
        : cached(messageCache, `${roleKey}|${h.lang}`, () =>
            renderDigest(
              h.lang,
              groups,
              today,
              now,
              inst.calendar,
              cached(lineCaches, h.institutionId, () => new Map()),
              inst.inst.code,
              opts.botUsername ?? null,
            ),
          );
    digests.push({
      officialId: h.officialId,
      institutionId: h.institutionId,
      chatId: h.telegramId,
      lang: h.lang,
      groups,
      message,
    });
  }
  return { digests };
}

interface InstitutionSteps {
  byRole: Map<Role, DigestStep[]>;
  overdueStatutory: DigestStep[];
}

const NO_STEPS: InstitutionSteps = { byRole: new Map(), overdueStatutory: [] };

/**
 * Pure: per institution, its steps due by its own horizon by role, and the overdue statutory ones
 * (escalations).
 */
function indexSteps(
  steps: readonly DigestStep[],
  byInst: ReadonlyMap<number, { horizon: LocalDate }>,
  late: (dueOn: LocalDate) => boolean,
): Map<number, InstitutionSteps> {
  const out = new Map<number, InstitutionSteps>();
  for (const s of steps) {
    const inst = byInst.get(s.institutionId);
    if (!inst || s.dueOn > inst.horizon) continue;
    const e = cached(out, s.institutionId, () => ({ byRole: new Map(), overdueStatutory: [] }));
    cached(e.byRole, s.role, () => []).push(s);
    if (escalates(s) && late(s.dueOn)) e.overdueStatutory.push(s);
  }
  return out;
}

/** D14: the steps waiting on nobody, read only for institutions whose head or administrators are due. */
async function noHolderSteps(
  db: Db,
  holdings: readonly Holding[],
  today: LocalDate,
): Promise<Map<number, DigestStep[]>> {
  const out = new Map<number, DigestStep[]>();
  const told = new Set(
    holdings.filter((h) => NO_HOLDER_RECIPIENT_ROLES.includes(h.role)).map((h) => h.institutionId),
  );
  // The holdings at hand (officials not yet claimed today) already show most roles held.
  const held = new Set(holdings.map((h) => `${h.institutionId}:${h.role}`));
  for (const s of await waitingOnNobody(db, [...told], today, { held })) {
    cached(out, s.institutionId, () => []).push(s as DigestStep);
  }
  return out;
}

/** Pure: each official with the roles they hold today (own or delegated). */
function rolesByOfficial(holdings: readonly Holding[]): Map<number, { h: Holding; roles: Set<Role> }> {
  const out = new Map<number, { h: Holding; roles: Set<Role> }>();
  for (const h of holdings) {
    const o = out.get(h.officialId);
    if (o) o.roles.add(h.role);
    else out.set(h.officialId, { h, roles: new Set([h.role]) });
  }
  return out;
}

export interface DigestRunResult {
  localDate: LocalDate | null;
  /** Officials whose digest this run claimed (with or without a message). */
  claimed: number;
  /** Messages enqueued. */
  sent: number;
  /** Built but already claimed by another runner in the meantime. */
  lost: number;
}

/**
 * Builds the due digests and claims and enqueues them (see claimDigests). `botUsername`: the bot's, for the
 * links to the cases (none when unknown).
 */
export async function sendDigests(
  db: Db,
  now: Date,
  opts: { chunk?: number; botUsername?: string | null } = {},
): Promise<DigestRunResult> {
  return claimDigests(db, await buildDigests(db, now, opts), now, opts);
}

/**
 * Per chunk, one transaction: claims the (official, local date) rows with INSERT … ON CONFLICT DO NOTHING
 * RETURNING and enqueues the messages of the claims won; digests another runner claimed first are dropped.
 */
export async function claimDigests(
  db: Db,
  build: DigestBuild,
  now: Date,
  opts: { chunk?: number; concurrency?: number } = {},
): Promise<DigestRunResult> {
  // Ascending official ids in every chunk: concurrent claimers wait on each other in one global order,
  // so they cannot deadlock.
  const digests = [...build.digests].sort((a, b) => a.officialId - b.officialId);
  const result: DigestRunResult = { localDate: null, claimed: 0, sent: 0, lost: 0 };
  if (digests.length === 0) return result;
  const today = localDateOf(now);
  result.localDate = today;
  const chunk = opts.chunk ?? 1000;
  const parts: BuiltDigest[][] = [];
  for (let i = 0; i < digests.length; i += chunk) parts.push(digests.slice(i, i + chunk));
  // Chunks are independent transactions: a few run at once (one connection each on a server database).
  const claimPart = async (part: BuiltDigest[]) =>
    db.transaction(async (tx) => {
      // The official ids as one array parameter (issue 17): not three bound parameters per row.
      const won = rowsOf<{ official_id: number }>(
        await tx.execute(sql`
          INSERT INTO digests_sent (official_id, local_date, sent_at)
          SELECT unnest(${`{${part.map((d) => d.officialId).join(",")}}`}::int[]), ${today}::date,
            ${now.toISOString()}::timestamptz
          ON CONFLICT DO NOTHING
          RETURNING official_id`),
      );
      const ids = new Set(won.map((w) => Number(w.official_id)));
      const msgs: OutMessage[] = [];
      for (const d of part) {
        if (!ids.has(d.officialId) || !d.message) continue;
        // A digest lists ids, step names and dates only (DigestItem): it names no learner (outbox.nameless).
        msgs.push({ chatId: d.chatId, ...d.message, nameless: true });
      }
      for (let j = 0; j < msgs.length; j += 500) await enqueue(tx, msgs.slice(j, j + 500), now);
      result.claimed += ids.size;
      result.sent += msgs.length;
      result.lost += part.length - ids.size;
    });
  const worker = async () => {
    for (let part = parts.shift(); part; part = parts.shift()) await claimPart(part);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 3, parts.length) }, worker));
  return result;
}

/** Test and bench helper: how many digests are claimed for a local date. */
export async function digestsClaimedOn(db: Db, localDate: LocalDate): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(digestsSent)
    .where(eq(digestsSent.localDate, localDate));
  return Number(row?.n ?? 0);
}
