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
import { textLength } from "../cases/fit";
import { dueLine, formatDate } from "../cases/format";
import { NO_HOLDER_RECIPIENT_ROLES, waitingOnNobody } from "../cases/no-holder";
import { enqueue, type OutMessage } from "../cases/outbox";
import type { Db } from "../db/client";
import { caseSteps, digestsSent } from "../db/schema";
import { tFor } from "../i18n";
import { type Holding, holdingsOn } from "../people/holders";
import { addWorkingDays, type Calendar, isOverdue, type LocalDate, localDateOf, type Role } from "../rules";
import { caseRef } from "./case-ref";
import { escalates, escalationRoles, institutionsAt, pendingSteps } from "./holdings";

/** A pending step as the digest sees it (no personal data: ids, keys, dates). */
export interface DigestStep {
  id: number;
  caseId: number;
  institutionId: number;
  key: string;
  role: Role;
  dueOn: LocalDate;
  dueKind: string | null;
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
  message: Pick<OutMessage, "text" | "buttons"> | null;
}

export interface DigestBuild {
  /** Every official whose digest is due now and not yet claimed (with or without a message). */
  digests: BuiltDigest[];
}

/** Most items listed in one message (the counts in the headers are always complete). */
export const DIGEST_MAX_ITEMS = 20;
/** Telegram refuses texts over 4096 characters; stay well below. */
const MAX_TEXT = 3800;

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
): DigestGroups {
  const g: DigestGroups = { overdue: [], today: [], soon: [], escalations: [], noHolder: [] };
  for (const role of roles) {
    for (const s of stepsByRole.get(role) ?? []) {
      if (isOverdue(s.dueOn, now)) g.overdue.push(s);
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
 * Renders a digest (HTML; values escaped by i18next) with a button per listed case (c:<caseId>).
 * `institutionCode` goes into the D14 section's hint (the readiness check's command line). With the bot's
 * username each item's case is a link that opens it in the bot (issue 14.10); without it, plain text.
 */
export function renderDigest(
  lang: string,
  g: DigestGroups,
  today: LocalDate,
  now: Date,
  calendar: Calendar,
  lineCache: Map<string, string> = new Map(),
  institutionCode = "",
  botUsername: string | null = null,
): Pick<OutMessage, "text" | "buttons"> {
  const t = tFor(lang);
  // i18next calls dominate at scale: labels and due lines are shared by many items, so each is made once.
  const cached = (key: string, make: () => string): string => {
    let v = lineCache.get(key);
    if (v === undefined) {
      v = make();
      lineCache.set(key, v);
    }
    return v;
  };
  type Kind = "own" | "escalation" | "no_holder";
  const line = (s: DigestStep, kind: Kind): string =>
    cached(`${kind}|${lang}|${s.id}`, () => {
      const step = cached(`s|${lang}|${s.key}`, () => t(`step.${s.key}`));
      const due = cached(`d|${lang}|${s.dueOn}|${s.dueKind}|${s.cite}`, () => dueLine(t, s, now, calendar));
      const ref = caseRef(t, s.caseId, botUsername);
      if (kind === "own") return t("digest.item", { ref, step, due });
      const role = cached(`r|${lang}|${s.role}`, () => t(`role.${s.role}`));
      return t(kind === "escalation" ? "digest.escalation_item" : "no_holder.digest_item", {
        ref,
        step,
        role,
        due,
      });
    });
  const parts: string[] = [t("digest.header", { date: formatDate(today) })];
  let length = parts[0]!.length;
  let shown = 0;
  let hidden = 0;
  const caseIds: number[] = [];
  // D14 first: nobody can act on those steps, and /inbox (by role) does not list them to the reader.
  const sections: [string, DigestStep[], Kind][] = [
    ["no_holder.digest_header", g.noHolder, "no_holder"],
    ["digest.overdue", g.overdue, "own"],
    ["digest.today", g.today, "own"],
    ["digest.soon", g.soon, "own"],
    ["digest.escalations", g.escalations, "escalation"],
  ];
  // Issue 12.4: the text never exceeds MAX_TEXT. Each item fits only if what must still follow fits too:
  // its section's hint, the headers (and hint) of the sections after it, and the "…and N more" line.
  // With links, items are counted as Telegram counts them (an <a href> adds no visible characters); the
  // rest, and items without links, by their raw length (never less than Telegram's count).
  const active = sections
    .filter(([, items]) => items.length > 0)
    .map(([key, items, kind]) => ({
      items,
      kind,
      head: t(key, { count: items.length }),
      // What to do, once under the D14 section (always shown: without it the section is only a complaint).
      hint: kind === "no_holder" ? t("no_holder.digest_hint", { code: institutionCode }) : null,
    }));
  const total = active.reduce((n, x) => n + x.items.length, 0);
  const moreLength = t("digest.more", { count: total }).length + 2;
  const fixedLength = (x: (typeof active)[number]) => x.head.length + 2 + (x.hint ? x.hint.length + 1 : 0);
  for (const [k, { items, kind, head, hint }] of active.entries()) {
    parts.push(`\n${head}`);
    length += head.length + 2;
    const reserve =
      (hint ? hint.length + 1 : 0) + active.slice(k + 1).reduce((n, x) => n + fixedLength(x), 0) + moreLength;
    for (const s of items) {
      const text = shown < DIGEST_MAX_ITEMS ? line(s, kind) : "";
      const size = botUsername ? textLength(text) : text.length;
      if (shown >= DIGEST_MAX_ITEMS || length + size + 1 + reserve > MAX_TEXT) {
        hidden++;
        continue;
      }
      parts.push(text);
      length += size + 1;
      shown++;
      if (!caseIds.includes(s.caseId)) caseIds.push(s.caseId);
    }
    if (hint) {
      parts.push(hint);
      length += hint.length + 1;
    }
  }
  if (hidden > 0) parts.push(`\n${t("digest.more", { count: hidden })}`);
  const buttons: { text: string; data: string }[][] = [];
  for (let i = 0; i < caseIds.length; i += 2) {
    buttons.push(caseIds.slice(i, i + 2).map((id) => ({ text: t("btn.open", { id }), data: `c:${id}` })));
  }
  return { text: parts.join("\n"), buttons };
}

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

  // Per institution: steps by role, and the overdue statutory ones (escalations).
  const stepsByInst = new Map<number, { byRole: Map<Role, DigestStep[]>; overdueStatutory: DigestStep[] }>();
  for (const r of rows) {
    const s = r as DigestStep;
    const inst = byInst.get(s.institutionId);
    if (!inst || s.dueOn > inst.horizon) continue;
    let e = stepsByInst.get(s.institutionId);
    if (!e) {
      e = { byRole: new Map(), overdueStatutory: [] };
      stepsByInst.set(s.institutionId, e);
    }
    const list = e.byRole.get(s.role);
    if (list) list.push(s);
    else e.byRole.set(s.role, [s]);
    if (escalates(s) && isOverdue(s.dueOn, now)) e.overdueStatutory.push(s);
  }

  // D14: the steps waiting on nobody, read only for institutions whose head or administrators are due.
  const noHolderByInst = new Map<number, DigestStep[]>();
  const told = new Set(
    holdings.filter((h) => NO_HOLDER_RECIPIENT_ROLES.includes(h.role)).map((h) => h.institutionId),
  );
  // The holdings at hand (officials not yet claimed today) already show most roles held.
  const held = new Set(holdings.map((h) => `${h.institutionId}:${h.role}`));
  for (const s of await waitingOnNobody(db, [...told], today, { held })) {
    const list = noHolderByInst.get(s.institutionId);
    if (list) list.push(s as DigestStep);
    else noHolderByInst.set(s.institutionId, [s as DigestStep]);
  }

  // Officials with the roles they hold today.
  const officialsById = new Map<number, { h: Holding; roles: Set<Role> }>();
  for (const h of holdings) {
    const o = officialsById.get(h.officialId);
    if (o) o.roles.add(h.role);
    else officialsById.set(h.officialId, { h, roles: new Set([h.role]) });
  }

  // Officials of one institution with the same roles share the groups, and per language the message.
  const groupCache = new Map<string, DigestGroups>();
  const messageCache = new Map<string, NonNullable<BuiltDigest["message"]>>();
  const lineCaches = new Map<number, Map<string, string>>();
  const empty = { byRole: new Map<Role, DigestStep[]>(), overdueStatutory: [] as DigestStep[] };
  const digests: BuiltDigest[] = [];
  for (const { h, roles } of officialsById.values()) {
    const inst = byInst.get(h.institutionId)!;
    const roleKey = `${h.institutionId}|${[...roles].sort().join(",")}`;
    let groups = groupCache.get(roleKey);
    if (!groups) {
      const e = stepsByInst.get(h.institutionId) ?? empty;
      groups = groupDigest(roles, e.byRole, e.overdueStatutory, today, inst.horizon, now);
      if (NO_HOLDER_RECIPIENT_ROLES.some((r) => roles.has(r)))
        groups.noHolder = noHolderByInst.get(h.institutionId) ?? [];
      groupCache.set(roleKey, groups);
    }
    let message: BuiltDigest["message"] = null;
    if (!isEmptyDigest(groups) && !h.unreachable) {
      const msgKey = `${roleKey}|${h.lang}`;
      message = messageCache.get(msgKey) ?? null;
      if (!message) {
        let cache = lineCaches.get(h.institutionId);
        if (!cache) {
          cache = new Map();
          lineCaches.set(h.institutionId, cache);
        }
        message = renderDigest(
          h.lang,
          groups,
          today,
          now,
          inst.calendar,
          cache,
          inst.inst.code,
          opts.botUsername ?? null,
        );
        messageCache.set(msgKey, message);
      }
    }
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
      const won = await tx
        .insert(digestsSent)
        .values(part.map((d) => ({ officialId: d.officialId, localDate: today, sentAt: now })))
        .onConflictDoNothing()
        .returning({ officialId: digestsSent.officialId });
      const ids = new Set(won.map((w) => w.officialId));
      const msgs: OutMessage[] = [];
      for (const d of part) {
        if (!ids.has(d.officialId) || !d.message) continue;
        msgs.push({ chatId: d.chatId, ...d.message });
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
