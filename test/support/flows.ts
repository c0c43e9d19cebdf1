/** Multi-step user flows shared by tests. */
import { eq } from "drizzle-orm";
import { type SubmitResult, submitReport } from "../../src/cases/submit";
import { caseSteps } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "./fixtures";
import type { Harness, TgUser } from "./harness";

export const REASONS = "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.";
export const PHONE = "+7 700 123 45 67";

/** An own-will report (ch. 4) filed through the use case, not the conversation; throws when refused. */
export async function submitOwnWill(
  h: Harness,
  userId: number,
  opts: { phone?: string | null; reportLang?: "kk" | "ru" } = {},
): Promise<Extract<SubmitResult, { ok: true }>> {
  const r = await submitReport(
    h.db,
    {
      userId,
      ground: "own_will",
      reasons: REASONS,
      conscriptServed: false,
      phone: opts.phone === undefined ? PHONE : opts.phone,
      reportLang: opts.reportLang ?? "ru",
    },
    h.clock(),
  );
  if (!r.ok) throw new Error(`submit refused: ${r.reason}`);
  return r;
}

/** Walks the report conversation to the preview and submits. */
export async function fileReport(
  h: Harness,
  tg: TgUser,
  ground: "own_will" | "contract_refusal",
  lang: "kk" | "ru" = "ru",
) {
  await h.command(tg, "report");
  await h.press(tg, `r:g:${ground}`);
  await h.text(tg, REASONS);
  await h.press(tg, "r:c:no");
  await h.text(tg, "+7 700 123 45 67");
  await h.press(tg, `r:l:${lang}`);
  await h.press(tg, "r:submit");
}

/**
 * An institution with its staff and a learner whose own-will report was filed through the conversation and
 * delivered; returns them with the deputy's opinion step (endorse).
 */
export async function filedWithEndorse(h: Harness) {
  const inst = await addInstitution(h.db);
  const staff = await addStaff(h.db, inst.id);
  const { tg } = await addStudent(h.db, inst.id);
  await fileReport(h, tg, "own_will");
  await h.flush();
  const [endorse] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "endorse"));
  return { inst, staff, tg, endorse: endorse! };
}

/** The callback data of a task button in the latest message to this official that has one. */
export function stepButton(h: Harness, tg: TgUser, action: string): string {
  for (const payload of h.tg.sent("sendMessage", tg.id).reverse()) {
    const kb = (payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard;
    const b = kb?.flat().find((x) => x.callback_data?.endsWith(`:${action}`))?.callback_data;
    if (b) return b;
  }
  throw new Error(`no ${action} button for ${tg.id}: ${h.tg.lastTextTo(tg.id)}`);
}

/** The "Confirm" button of the latest confirmation question to this official (issue 14.7), if any. */
export function confirmButton(h: Harness, tg: TgUser): string | undefined {
  return h.buttonsTo(tg.id).find((d) => d.startsWith("sc:"));
}

/**
 * A one-tap action (agree, instruct, approve, done) and its confirmation (issue 14.7): the press asks
 * "… — confirm?", and Confirm records it. Throws when no question came (a refusal: press it plainly).
 */
export async function tap(h: Harness, tg: TgUser, data: string) {
  await h.press(tg, data);
  const confirm = confirmButton(h, tg);
  if (!confirm) throw new Error(`no confirmation after ${data}: ${h.tg.lastTextTo(tg.id)}`);
  await h.press(tg, confirm);
}

type Staff = { head: { tg: TgUser }; deputy: { tg: TgUser }; personnel: { tg: TgUser } };

/** The deputy head's part (D4, cl. 4–5): an opinion ("agree", or "disagree" with a reason) and the interview. */
export async function deputyActs(
  h: Harness,
  staff: Staff,
  opts: { disagree?: string; interviewOn?: string | null } = {},
) {
  await h.flush();
  if (opts.disagree) {
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "disagree"));
    await h.text(staff.deputy.tg, opts.disagree);
  } else {
    await tap(h, staff.deputy.tg, stepButton(h, staff.deputy.tg, "agree"));
  }
  if (opts.interviewOn !== null) {
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, opts.interviewOn ?? "20.03.2026");
  }
  await h.flush();
}

/** Ch. 4, cl. 20: the head instructs, personnel records the conversation and confirms the conscript answer (D11). */
export async function instructAndTalk(h: Harness, staff: Staff, conscript: "yes" | "no" = "no") {
  await h.flush();
  await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
  await h.flush();
  await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "record"));
  await h.text(staff.personnel.tg, "Фактілер расталды.");
  await h.press(staff.personnel.tg, `si:${conscript}`);
  await h.flush();
}
