/**
 * Issue 14, officials' side: one-tap actions ask to confirm (14.7), a typed answer is never silently lost
 * (14.8), personal data is sent with protect_content (14.11). Through the bot, in kk and ru.
 */
import { eq } from "drizzle-orm";
import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { installDescriptions } from "../../src/bot/commands";
import { auditEvents, caseSteps, cases, officialRoles, officials, students } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { caseLink } from "../../src/messages/callbacks";
import { createInvite } from "../../src/people/invites";
import type { StepKey } from "../../src/rules";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { confirmButton, deputyActs, fileReport, instructAndTalk, stepButton, tap } from "../support/flows";
import { type Harness, newUser, useHarness } from "../support/harness";

const kk = tFor("kk");
const ru = tFor("ru");

async function stepOf(h: Harness, key: StepKey) {
  const [s] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, key));
  return s!;
}

describe("officials' taps and answers (issue 14.7, 14.8, 14.11)", () => {
  const hr = useHarness();

  /** The usual cast, with the head and the deputy in the language asked for. */
  async function setup(lang: "kk" | "ru") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = {
      head: await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", lang),
      deputy: await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", lang),
      personnel: await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", lang),
    };
    const s = await addStudent(h.db, inst.id, { name: "Нұрғалиев Әбілқайыр" });
    await fileReport(h, s.tg, "own_will");
    await h.flush();
    return { h, staff, ...s };
  }

  it("kk: 'agree' asks to confirm naming the case, the learner and the action; Back records nothing; Confirm records once", async () => {
    const { h, staff } = await setup("kk");
    const endorse = await stepOf(h, "endorse");
    const agree = stepButton(h, staff.deputy.tg, "agree");
    await h.press(staff.deputy.tg, agree);
    const question = h.tg.lastTextTo(staff.deputy.tg.id);
    expect(question).toContain(`№ ${endorse.caseId} іс`);
    expect(question).toContain("Нұрғалиев Әбілқайыр");
    expect(question).toContain(kk("confirm.action_agree"));
    expect(question).toContain("растайсыз ба?");
    expect(h.buttonsTo(staff.deputy.tg.id)).toEqual([`sc:${endorse.id}:agree`, `sb:${endorse.id}`]);
    // The press alone changed nothing.
    expect((await stepOf(h, "endorse")).state).toBe("pending");

    await h.press(staff.deputy.tg, `sb:${endorse.id}`);
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toBe(kk("confirm.nothing_recorded"));
    expect(h.buttonsTo(staff.deputy.tg.id)).toEqual([]);
    expect((await stepOf(h, "endorse")).state).toBe("pending");

    await h.press(staff.deputy.tg, agree);
    const confirm = confirmButton(h, staff.deputy.tg)!;
    await h.press(staff.deputy.tg, confirm);
    expect(await stepOf(h, "endorse")).toMatchObject({
      state: "done",
      doneByOfficialId: staff.deputy.official.id,
    });
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain(
      kk("act.ok", { id: endorse.caseId, step: "" }).slice(0, 8),
    );
    // A second tap on the same Confirm finds the step done: an alert, nothing recorded twice.
    await h.press(staff.deputy.tg, confirm);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("Орынбасар К.К.");
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.agree"))).toHaveLength(1);
  });

  it("the press is checked again on Confirm: an official deactivated meanwhile is refused and audited", async () => {
    const { h, staff } = await setup("kk");
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "agree"));
    const confirm = confirmButton(h, staff.deputy.tg)!;
    await h.db.update(officials).set({ active: false }).where(eq(officials.id, staff.deputy.official.id));
    await h.press(staff.deputy.tg, confirm);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toBe(kk("act.not_allowed"));
    expect((await stepOf(h, "endorse")).state).toBe("pending");
    // Recorded (a deactivated official is a stranger now: their refusals are counted as stranger noise).
    const events = await h.db.select().from(auditEvents);
    expect(JSON.stringify(events.filter((e) => e.action !== "case.submitted"))).toContain("step.refused");
  });

  it("ru: the head's approval asks «… — подтвердить?» and is recorded only on Confirm", async () => {
    const { h, staff } = await setup("ru");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff);
    const decide = await stepOf(h, "decide");
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    const question = h.tg.lastTextTo(staff.head.tg.id);
    expect(question).toContain(`Дело № ${decide.caseId}`);
    expect(question).toContain("Нұрғалиев Әбілқайыр");
    expect(question).toContain(ru("confirm.action_approve"));
    expect(question).toContain("подтвердить?");
    expect((await stepOf(h, "decide")).state).toBe("pending");
    await h.press(staff.head.tg, confirmButton(h, staff.head.tg)!);
    expect((await stepOf(h, "decide")).state).toBe("done");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("Записано");
  });

  it("ru: a date question set aside by another command says so; the later typed date is not swallowed", async () => {
    const { h, staff } = await setup("ru");
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.command(staff.deputy.tg, "inbox");
    const texts = h.tg.textsTo(staff.deputy.tg.id);
    const notice = texts.find((t) => t.includes("отложен")) ?? "";
    expect(notice).toContain(ru("btn.interview"));
    expect(notice).toContain("/case");
    // /inbox itself was answered too.
    expect(texts.at(-1)).toContain(ru("inbox.header", { count: 2 }).slice(0, 6));
    await h.text(staff.deputy.tg, "20.03.2026");
    // Issue 14.5: the menu follows the hint.
    expect(h.tg.lastTextTo(staff.deputy.tg.id).split("\n\n")[0]).toBe(ru("pending.no_question"));
    expect((await stepOf(h, "interview")).state).toBe("pending");
    // Pressing the step's button again asks again, and the answer is recorded.
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    expect((await stepOf(h, "interview")).state).toBe("done");
  });

  it("kk: another button pressed during a question says it was set aside; a learner's stray text keeps the usual hint", async () => {
    const { h, staff, tg } = await setup("kk");
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.press(staff.deputy.tg, "menu:inbox");
    expect(h.tg.textsTo(staff.deputy.tg.id).join("\n")).toContain("кейінге қалдырылды");
    await h.text(staff.deputy.tg, "20.03.2026");
    // Issue 14.5: the menu follows the hint.
    expect(h.tg.lastTextTo(staff.deputy.tg.id).split("\n\n")[0]).toBe(kk("pending.no_question"));
    await h.text(tg, "сәлем");
    expect(h.tg.lastTextTo(tg.id)).not.toBe(kk("pending.no_question"));
  });

  it("task cards and /case carry protect_content (issue 14.11)", async () => {
    const { h, staff } = await setup("kk");
    const cards = h.tg.sent("sendMessage", staff.deputy.tg.id);
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) expect(c.protect_content).toBe(true);
    const endorse = await stepOf(h, "endorse");
    h.tg.clear();
    await h.command(staff.head.tg, "case", String(endorse.caseId));
    const replies = h.tg.sent("sendMessage", staff.head.tg.id);
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) expect(r.protect_content).toBe(true);
    await h.press(staff.head.tg, `t:${endorse.caseId}`);
    expect(h.tg.sent("sendMessage", staff.head.tg.id).at(-1)?.protect_content).toBe(true);
    // Unused here but keeps the helper honest: tapping and confirming works on the head's instruction.
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
    expect((await stepOf(h, "instruct")).state).toBe("done");
  });
});

describe("deep links to a case (issue 14.10)", () => {
  const hr = useHarness();

  async function setup(lang: "kk" | "ru") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const head = await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", lang);
    await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", lang);
    const s = await addStudent(h.db, inst.id, { name: "Нұрғалиев Әбілқайыр" });
    await fileReport(h, s.tg, "own_will");
    await h.flush();
    const [c] = await h.db.select().from(cases);
    return { h, inst, head, caseId: c!.id, ...s };
  }

  it("kk: start=case_<id> opens the case for an official who may see it", async () => {
    const { h, head, caseId } = await setup("kk");
    h.tg.clear();
    await h.command(head.tg, "start", `case_${caseId}`);
    const texts = h.tg.textsTo(head.tg.id).join("\n");
    expect(texts).toContain("Нұрғалиев Әбілқайыр");
    expect(h.buttonsTo(head.tg.id)).toContain(`t:${caseId}`);
    // Not the invite path: no "link not valid" answer.
    expect(texts).not.toContain(kk("invite.invalid", { defaultValue: "@@" }));
  });

  it("ru: an official of another institution is refused exactly as /case refuses; a learner gets the ordinary start", async () => {
    const { h, caseId, tg } = await setup("ru");
    const other = await addInstitution(h.db, "OTHER");
    const foreign = await addOfficial(h.db, other.id, ["head"], "Другой начальник", "ru");
    await h.command(foreign.tg, "start", `case_${caseId}`);
    expect(h.tg.lastTextTo(foreign.tg.id)).toBe(ru("case.not_found", { id: caseId }));
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.view_refused"));
    expect(refused).toHaveLength(1);
    h.tg.clear();
    await h.command(tg, "start", `case_${caseId}`);
    const learnerTexts = h.tg.textsTo(tg.id);
    expect(learnerTexts).toHaveLength(1);
    expect(learnerTexts[0]).toContain(kk("start.student", { name: "Нұрғалиев Әбілқайыр" }).slice(0, 10));
    expect(caseLink("akad_bot", caseId)).toBe(`https://t.me/akad_bot?start=case_${caseId}`);
  });
});

describe("command menus per role and the bot's descriptions (issue 14.12)", () => {
  const hr = useHarness();

  type Cmd = { command: string; description: string };
  const chatMenus = (h: Harness, chatId: number) =>
    h.tg
      .sent("setMyCommands")
      .filter((p) => (p.scope as { chat_id?: number } | undefined)?.chat_id === chatId)
      .map((p) => p.commands as Cmd[]);

  it("kk: an official binding by invite gets a chat menu of the official's commands only", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const [o] = await h.db
      .insert(officials)
      .values({ institutionId: inst.id, fullName: "Жаңа Кадровик", position: "кадр" })
      .returning();
    await h.db.insert(officialRoles).values({ officialId: o!.id, role: "personnel_officer" });
    const { token } = await createInvite(h.db, { institutionId: inst.id, officialId: o!.id }, h.clock());
    const tg = newUser("Кадровик");
    await h.command(tg, "start", token);
    const menus = chatMenus(h, tg.id);
    expect(menus).toHaveLength(1);
    // Issue 16: personnel opens cl. 2 cases, so /open is on the menu too.
    expect(menus[0]!.map((c) => c.command)).toEqual([
      "start",
      "inbox",
      "case",
      "open",
      "cancel",
      "lang",
      "help",
    ]);
    expect(menus[0]!.find((c) => c.command === "case")?.description).toBe(kk("menus.case"));
    expect(menus[0]!.find((c) => c.command === "open")?.description).toBe(kk("commands.open"));
  });

  it("ru: a learner binding gets report and status, not inbox, in Russian once Russian is their language", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await addStudent(h.db, inst.id, { lang: "ru" });
    await h.db.update(students).set({ userId: null }).where(eq(students.id, s.student.id));
    const { token } = await createInvite(
      h.db,
      { institutionId: inst.id, studentId: s.student.id },
      h.clock(),
    );
    await h.command(s.tg, "start", token);
    const menus = chatMenus(h, s.tg.id);
    expect(menus).toHaveLength(1);
    expect(menus[0]!.map((c) => c.command)).toEqual(["start", "report", "status", "cancel", "lang", "help"]);
    expect(menus[0]!.find((c) => c.command === "report")?.description).toBe(ru("commands.report"));
  });

  it("descriptions are set per language at start; a refusal is a warning, not a failure", async () => {
    const h = hr.current;
    const warnings: string[] = [];
    const log = { warn: (_: unknown, msg: string) => warnings.push(msg) } as never;
    await installDescriptions(h.api, log);
    const long = h.tg.sent("setMyDescription");
    expect(long.map((p) => p.language_code ?? "default")).toEqual(["default", "kk", "ru", "en"]);
    expect(long.find((p) => p.language_code === "ru")?.description).toBe(ru("menus.description"));
    expect(h.tg.sent("setMyShortDescription").find((p) => p.language_code === "kk")?.short_description).toBe(
      kk("menus.short_description"),
    );
    expect(warnings).toEqual([]);
    // Telegram refuses (e.g. 400 or 429): every call is tried, each failure is one warning, nothing throws.
    const refusing = new Api("42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz", {
      fetch: (async () =>
        new Response(JSON.stringify({ ok: false, error_code: 400, description: "Bad Request: refused" }), {
          headers: { "content-type": "application/json" },
        })) as never,
    });
    await expect(installDescriptions(refusing, log)).resolves.toBeUndefined();
    expect(warnings).toHaveLength(8);
  });
});
