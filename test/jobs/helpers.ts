/** Helpers for the jobs tests: Almaty times, cases through the real use cases, ticks, message filters. */
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { act } from "../../src/cases/act";
import type { InputKind } from "../../src/cases/actions";
import { submitReport } from "../../src/cases/submit";
import type { Db } from "../../src/db/client";
import { caseSteps, delegations } from "../../src/db/schema";
import { runTick, type TickResult } from "../../src/jobs/runner";
import { createLogger } from "../../src/logger";
import { type Language, localDateOf, type Role, type StepKey } from "../../src/rules";
import { addOfficial, addStudent } from "../support/fixtures";
import { REASONS } from "../support/flows";
import type { Harness } from "../support/harness";

/** "2026-03-18 09:00" Asia/Almaty (UTC+5) as an instant. */
export const almaty = (local: string): Date => new Date(`${local.replace(" ", "T")}:00+05:00`);

/** Sets the harness clock to an Almaty local time. */
export const at = (h: Harness, local: string): Date => {
  h.clock.set(almaty(local));
  return h.clock();
};

export const jobDeps = (h: Harness) => ({ db: h.db, clock: h.clock, log: createLogger("silent") });

/** One jobs tick at the harness clock's now, then the outbox delivered to the fake Telegram. */
export async function tick(h: Harness, opts: { purge?: boolean } = {}): Promise<TickResult> {
  const r = await runTick(jobDeps(h), opts);
  expect(r.errors).toEqual([]);
  await h.flush();
  return r;
}

export type Person = Awaited<ReturnType<typeof addOfficial>>;

/** Head, deputy for personnel, personnel officer, in English (readable assertions). */
export async function staff(h: Harness, institutionId: number, lang: Language = "en") {
  return {
    head: await addOfficial(h.db, institutionId, ["head"], "Head H.H.", lang),
    deputy: await addOfficial(h.db, institutionId, ["deputy_personnel"], "Deputy D.D.", lang),
    personnel: await addOfficial(h.db, institutionId, ["personnel_officer"], "Personnel P.P.", lang),
  };
}

/** A learner files a report at the harness clock's now (the real use case); returns the case id. */
export async function fileCase(
  h: Harness,
  institutionId: number,
  ground: "own_will" | "contract_refusal" = "own_will",
  opts: { name?: string; phone?: string } = {},
): Promise<number> {
  const { user } = await addStudent(h.db, institutionId, { name: opts.name });
  const r = await submitReport(
    h.db,
    {
      userId: user.id,
      ground,
      reasons: REASONS,
      conscriptServed: false,
      phone: opts.phone ?? "+7 700 123 45 67",
      reportLang: "ru",
    },
    h.clock(),
  );
  if (!r.ok) throw new Error(`submit failed: ${r.reason}`);
  return r.caseId;
}

export async function stepOf(db: Db, caseId: number, key: StepKey) {
  const [s] = await db
    .select()
    .from(caseSteps)
    .where(and(eq(caseSteps.caseId, caseId), eq(caseSteps.key, key)));
  if (!s) throw new Error(`case ${caseId} has no step ${key}`);
  return s;
}

/** An official acts on a case's step through the real use case, at the harness clock's now. */
export async function actOn(
  h: Harness,
  who: Person,
  caseId: number,
  key: StepKey,
  action: string,
  input?: Partial<Record<InputKind, string>>,
) {
  const s = await stepOf(h.db, caseId, key);
  const r = await act(
    h.db,
    { stepId: s.id, action, actor: { userId: who.user.id, officialId: who.official.id }, input },
    h.clock(),
  );
  if (r.status !== "done") throw new Error(`act ${key}/${action} on case ${caseId}: ${JSON.stringify(r)}`);
  return r;
}

/**
 * Ch. 6 (contract refusal) up to the head's decision: the deputy head records the cl. 4 interview (D5, the
 * only step the decision waits for), then the head approves (cl. 25); the deputy's opinion is left pending
 * (advisory, D4) and is closed by the decision. The cl. 26 order opens, statutory 3 WD from the decision.
 */
export async function interviewAndApprove(h: Harness, s: { head: Person; deputy: Person }, caseId: number) {
  const date = localDateOf(h.clock()).split("-").reverse().join(".");
  await actOn(h, s.deputy, caseId, "interview", "interview", { date });
  await actOn(h, s.head, caseId, "decide", "approve");
}

export async function delegate(
  db: Db,
  institutionId: number,
  role: Role,
  from: Person,
  to: Person,
  startsOn: string,
  endsOn: string,
) {
  await db.insert(delegations).values({
    institutionId,
    role,
    fromOfficialId: from.official.id,
    toOfficialId: to.official.id,
    startsOn,
    endsOn,
  });
}

/** Messages of a kind sent to a chat (sendMessage payloads). */
export function sentTo(h: Harness, chatId: number) {
  return h.tg.sent("sendMessage", chatId) as { text: string; reply_markup?: unknown }[];
}
export const digestsTo = (h: Harness, chatId: number) =>
  sentTo(h, chatId).filter((m) => m.text.startsWith("<b>📋"));
export const breachesTo = (h: Harness, chatId: number) =>
  sentTo(h, chatId).filter((m) => m.text.startsWith("⚠️ <b>"));
export const escalationsTo = (h: Harness, chatId: number) =>
  sentTo(h, chatId).filter((m) => m.text.startsWith("🚨 <b>"));

/** Callback data of a message's inline keyboard. */
export function buttonsOf(m: { reply_markup?: unknown }): string[] {
  const kb = (m.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
    ?.inline_keyboard;
  return kb ? kb.flat().map((b) => b.callback_data ?? "") : [];
}
