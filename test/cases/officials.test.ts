import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { act } from "../../src/cases/act";
import {
  auditEvents,
  caseSteps,
  cases,
  delegations,
  institutions,
  outbox,
  reportVersions,
  users,
} from "../../src/db/schema";
import type { Category, Language } from "../../src/rules";
import { addInstitution, addOfficial, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, fileReport, instructAndTalk, REASONS, stepButton, tap } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";

async function stepsOf(h: Harness) {
  return h.db.select().from(caseSteps).orderBy(caseSteps.id);
}

/** Personnel completes every pending after-order step (letter, sum, done). */
async function finishPostOrder(h: Harness, personnel: TgUser) {
  for (const s of await h.db.select().from(caseSteps).where(eq(caseSteps.state, "pending"))) {
    if (s.key === "notify_personnel_dept") {
      await h.press(personnel, `s:${s.id}:letter`);
      await h.text(personnel, "12-3/456");
      await h.text(personnel, "20.03.2026");
    } else if (s.key === "cost_calculation") {
      await h.press(personnel, `s:${s.id}:amount`);
      await h.text(personnel, "1 250 000");
    } else {
      await tap(h, personnel, `s:${s.id}:done`);
    }
  }
}

describe("only the head decides: officials act on the lawful chain (docs/decisions.md)", () => {
  const hr = useHarness();

  async function setup(category: Category = "cadet", lang: Language = "kk") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id, { category, lang });
    return { h, inst, staff, ...s };
  }

  it("D4: at registration the deputy head gets the whole report for an opinion and the interview; the head gets the cl. 20 instruction", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will", "ru");
    await h.flush();
    const steps = await stepsOf(h);
    expect(steps.map((s) => [s.key, s.role, s.state])).toEqual([
      ["endorse", "deputy_personnel", "pending"],
      ["interview", "deputy_personnel", "pending"],
      ["instruct", "head", "pending"],
    ]);
    // Registered Fri 20.03.2026; 23–25 March are days off: the head's statutory 2 WD end on 27.03.2026.
    expect(steps[2]).toMatchObject({ dueOn: "2026-03-27", dueKind: "statutory" });
    // The deputy's card carries the report as stored, in the learner's language (рапорт in Russian):
    // the phone, the conscript answer, faculty, course and group.
    const card = h.tg.textsTo(staff.deputy.tg.id).find((t) => t.includes("РАПОРТ")) ?? "";
    for (const fact of [
      REASONS,
      "+7 700 123 45 67",
      "Воинская служба по призыву: не пройдена.", // the learner's sex unknown: no gendered verb (14.6)
      "Тергеу факультеті",
      "Т-21",
      "Начальнику Академии КНБ",
    ])
      expect(card).toContain(fact);
    // No button lets anyone below the head end, return or waive anything.
    const deputyButtons = h.tg
      .sent("sendMessage", staff.deputy.tg.id)
      .flatMap((p) =>
        (
          (p.reply_markup as { inline_keyboard?: { callback_data: string }[][] })?.inline_keyboard ?? []
        ).flat(),
      )
      .filter((b) => b.callback_data.startsWith("s:"))
      .map((b) => b.callback_data.split(":")[2]);
    expect(deputyButtons.sort()).toEqual(["agree", "disagree", "interview"]);
    const [endorse] = steps;
    for (const forged of ["return", "waive"]) await h.press(staff.deputy.tg, `s:${endorse!.id}:${forged}`);
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"))).toHaveLength(
      2,
    );
  });

  it("D4: the deputy's 'disagree' with a reason goes to the head with the report; nothing ends (kk and ru)", async () => {
    const { h, tg, staff, inst } = await setup();
    const ruHead = await addOfficial(h.db, inst.id, ["head"], "Начальник Р.Р.", "ru");
    await fileReport(h, tg, "own_will");
    await deputyActs(h, staff, { disagree: "Себептері дәлелсіз, оқуды жалғастыруға мүмкіндігі бар." });
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("келіспейді — «Себептері дәлелсіз");
    expect(h.tg.lastTextTo(ruHead.tg.id)).toContain("не поддерживает — «Себептері дәлелсіз");
    await instructAndTalk(h, staff);
    // The head's decision card: the report, every opinion, what came before the decision.
    const card = h.tg.textsTo(staff.head.tg.id).find((t) => t.includes("бастықтың шешімі")) ?? "";
    expect(card).toContain(REASONS);
    expect(card).toContain("Орынбасар К.К.");
    expect(card).toContain("келіспейді — «Себептері дәлелсіз");
    expect(card).toContain("өтеу туралы әңгімелесу 20.03.2026 өтті");
    expect(card).toContain("Фактілер расталды.");
    const ruCard = h.tg.textsTo(ruHead.tg.id).find((t) => t.includes("решение начальника")) ?? "";
    expect(ruCard).toContain("не поддерживает — «Себептері дәлелсіз");
    expect(ruCard).toContain("беседа о возмещении проведена 20.03.2026");
  });

  it("D4: with one extra opinion-giver, the head's instruction still opens at registration, due in 2 WD (cl. 20); the head decides without a late opinion, shown as missing", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db
      .update(institutions)
      .set({ endorsers: ["unit_head"] })
      .where(eq(institutions.id, inst.id));
    const staff = await addStaff(h.db, inst.id);
    const unitHead = await addOfficial(h.db, inst.id, ["unit_head"], "Факультет бастығы");
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await h.flush();
    const opened = await stepsOf(h);
    expect(opened.map((s) => s.key)).toEqual(["endorse", "pre_endorse_1", "interview", "instruct"]);
    for (const s of opened) expect(s.openedOn).toBe("2026-03-20");
    expect(opened.find((s) => s.key === "instruct")).toMatchObject({
      dueOn: "2026-03-27",
      dueKind: "statutory",
    });
    expect(h.tg.textsTo(unitHead.tg.id).join()).toContain(REASONS); // asked at the same time, with the report
    // A later change of the institution's list does not reshape the open case.
    await h.db.update(institutions).set({ endorsers: [] }).where(eq(institutions.id, inst.id));
    await deputyActs(h, staff);
    await instructAndTalk(h, staff);
    const card = h.tg.textsTo(staff.head.tg.id).find((t) => t.includes("бастықтың шешімі")) ?? "";
    expect(card).toContain("оқу бөлімшесінің басшысы: әлі берілмеген");
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    const after = await stepsOf(h);
    expect(after.find((s) => s.key === "pre_endorse_1")?.state).toBe("cancelled");
    expect(after.find((s) => s.key === "decide")?.state).toBe("done");
    await h.flush();
    // The unit head's card is retired in place: no buttons left for a decided case.
    expect(String(h.tg.sent("editMessageText", unitHead.tg.id).at(-1)?.text)).toContain(
      "бастық шешім қабылдады",
    );
  });

  it("ch. 6, master's student: no rejection on the merits; a dismissal order within 3 WD (cl. 26, D7); referral only for those who leave the service (D11)", async () => {
    const { h, tg, staff } = await setup("masters");
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    expect((await stepsOf(h)).map((s) => s.key)).toEqual(["endorse", "interview"]);
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "19.03.2026"); // before the report: refused with a reason
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("20.03.2026");
    await h.text(staff.deputy.tg, "21.03.2026"); // in the future: refused
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("бүгінгіден кеш болмауы");
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();
    // The decision opened after the interview, while the deputy's opinion is still pending.
    expect(
      h
        .buttonsTo(staff.head.tg.id)
        .filter((b) => b.startsWith("s:"))
        .map((b) => b.split(":")[2]),
    ).toEqual(["approve", "sendback"]);
    const [decide] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "decide"));
    await h.press(staff.head.tg, `s:${decide!.id}:reject`);
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    const [order] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "order"));
    // Decision Fri 20.03.2026; 23–25 March are days off: 26, 27, 30 March → due 30.03.2026.
    expect(order).toMatchObject({ dueKind: "statutory", dueOn: "2026-03-30", cite: "cl. 26; D2" });
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "45-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    // D11: before the order personnel confirms the learner's conscript answer from the personal file.
    expect(h.tg.lastTextTo(staff.personnel.tg.id)).toContain("Білім алушының жауабы: өткермеген");
    await h.press(staff.personnel.tg, "si:no");
    const keys = (await stepsOf(h)).map((s) => s.key);
    expect(keys).toContain("military_referral"); // dismissed, an RK citizen, not served
    await finishPostOrder(h, staff.personnel.tg);
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      state: "closed",
      orderNumber: "45-ж",
      orderDate: "2026-03-20",
      decisionOn: "2026-03-20",
    });
    const done = await stepsOf(h);
    expect(done.find((s) => s.key === "notify_personnel_dept")?.result).toMatchObject({
      action: "letter",
      number: "12-3/456",
      date: "2026-03-20",
    });
    expect(done.find((s) => s.key === "cost_calculation")?.result).toMatchObject({ amount: "1250000" });
    // The opinion never given is closed with the case; it did not hold it up.
    expect(done.find((s) => s.key === "endorse")?.state).toBe("cancelled");
  });

  it("ch. 4, doctoral student: the order on expulsion and the submission (D7); cl. 7 counts from the order; no referral (D11)", async () => {
    const { h, tg, staff } = await setup("doctoral");
    await fileReport(h, tg, "own_will");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff, "no");
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    await h.flush();
    const opened = await stepsOf(h);
    expect(opened.find((s) => s.key === "order")).toMatchObject({ dueKind: "target" });
    expect(opened.find((s) => s.key === "submission")).toMatchObject({
      dueKind: "statutory",
      dueOn: "2026-03-27",
    });
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "submission"));
    await h.text(staff.personnel.tg, "12/3");
    await h.text(staff.personnel.tg, "2026-03-20");
    // The submission is not the order: nothing of cl. 7 opens yet.
    expect((await stepsOf(h)).some((s) => s.key === "notify_personnel_dept")).toBe(false);
    expect((await h.db.select().from(cases))[0]?.orderDate).toBeNull();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "77-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    const after = await stepsOf(h);
    // Order dated 20.03.2026: 5 WD are 26, 27, 30, 31 March, 1 April.
    expect(after.find((s) => s.key === "notify_personnel_dept")).toMatchObject({
      dueOn: "2026-04-01",
      dueKind: "statutory",
    });
    expect(after.some((s) => s.key === "military_referral")).toBe(false); // returns to the sending unit
    await finishPostOrder(h, staff.personnel.tg);
    expect((await h.db.select().from(cases))[0]?.state).toBe("closed");
    await h.flush();
    const texts = h.tg.textsTo(tg.id).join("\n");
    for (const milestone of [
      "әңгімелесу",
      "әңгіме жүргізуді тапсырды",
      "мақұлдады",
      "ұсыным",
      "бұйрық",
      "жабылды",
    ])
      expect(texts).toContain(milestone);
  });

  it("D11: personnel corrects the learner's conscript answer in the cl. 20 conversation; the referral follows the corrected answer", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will"); // says: not served
    await deputyActs(h, staff);
    await instructAndTalk(h, staff, "yes");
    const [c] = await h.db.select().from(cases);
    expect(c?.conscriptServed).toBe(true);
    expect(c?.conscriptConfirmedAt).not.toBeNull();
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.record"));
    expect(ev?.details).toMatchObject({ conscriptCorrected: true });
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "45-ж");
    await h.text(staff.personnel.tg, "20.03.2026"); // no second conscript question
    const keys = (await stepsOf(h)).map((s) => s.key);
    expect(keys).not.toContain("military_referral");
    expect(keys).toContain("notify_personnel_dept");
  });

  it("cl. 20 both ways (D3): the conversation is due 2 WD after the instruction, statutory, cited in the reader's language", async () => {
    const { h, tg, staff, inst } = await setup();
    const ruOfficer = await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Р.Р.", "ru");
    await fileReport(h, tg, "own_will");
    await h.flush();
    h.clock.set("2026-03-26T05:00:00Z"); // Thu 26.03.2026
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
    await h.flush();
    const [talk] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "conversation"));
    expect(talk).toMatchObject({ dueOn: "2026-03-30", dueKind: "statutory" });
    const kk = h.tg.lastTextTo(staff.personnel.tg.id);
    const ru = h.tg.lastTextTo(ruOfficer.tg.id);
    expect(kk).toContain("белгіленген мерзім 30.03.2026 (20-тармақ)");
    expect(ru).toContain("установленный срок 30.03.2026 (п. 20)");
    for (const text of [kk, ru]) expect(text).not.toMatch(/\bD\d+\b/);
  });

  it("ch. 4: the head rejects with a mandatory reason; the learner is told; pending steps close (D6)", async () => {
    const { h, tg, staff } = await setup("cadet", "ru");
    await fileReport(h, tg, "own_will");
    await deputyActs(h, staff);
    await instructAndTalk(h, staff);
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "reject"));
    await h.text(staff.head.tg, "/inbox"); // a command leaves the input; nothing recorded
    expect((await h.db.select().from(cases))[0]?.state).toBe("open");
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "reject"));
    await h.text(staff.head.tg, "ok"); // too short
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("кемінде 3");
    await h.text(staff.head.tg, "Келісімшарт бойынша міндеттемелер орындалмаған.");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      state: "rejected",
      outcomeReason: "Келісімшарт бойынша міндеттемелер орындалмаған.",
    });
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toContain("начальник отклонил ваш рапорт: «Келісімшарт");
  });

  it("ch. 6 sent back (D6, D12): the learner completes the same report, re-submits; the new version reaches everyone who saw it; both versions kept", async () => {
    const { h, tg, staff } = await setup("cadet", "ru");
    await fileReport(h, tg, "contract_refusal", "ru");
    await deputyActs(h, staff, { disagree: "Причины отказа не раскрыты." });
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "sendback"));
    await h.text(staff.head.tg, "Укажите причины отказа от контракта подробно (п. 25).");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("білім алушыға толықтыруға қайтарылды");
    const [c1] = await h.db.select().from(cases);
    expect(c1).toMatchObject({ state: "sent_back", reportVersion: 1 });
    const [decide] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "decide"));
    expect(decide?.state).toBe("pending");
    // While it is with the learner nobody acts on it; the stale card's button is refused.
    await h.press(staff.head.tg, `s:${decide!.id}:approve`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("ашық емес");
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toContain("начальник вернул ваш рапорт на доработку: «Укажите причины");
    expect(h.buttonsTo(tg.id)).toEqual(["rs:1", "menu:status"]);
    // The learner opens the pre-filled report: the ground can't change, the reasons can.
    await h.press(tg, "rs:1");
    const preview = h.tg.lastTextTo(tg.id);
    expect(preview).toContain("Начальник вернул ваш рапорт (дело № 1)");
    expect(preview).toContain(REASONS);
    expect(h.buttonsTo(tg.id)).not.toContain("r:e:ground");
    await h.press(tg, "r:e:reasons");
    const completed = `${REASONS} Служить по контракту не могу из-за болезни матери, за которой ухаживаю один.`;
    await h.text(tg, completed);
    await h.press(tg, "r:submit");
    expect(h.tg.lastTextTo(tg.id)).toContain("доработанный рапорт (редакция 2) подан");
    const [c2] = await h.db.select().from(cases);
    expect(c2).toMatchObject({ state: "open", reportVersion: 2, reasons: completed });
    const versions = await h.db.select().from(reportVersions).orderBy(reportVersions.version);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]!.document).toContain(REASONS);
    expect(versions[0]!.document).not.toContain("болезни матери");
    expect(versions[1]!.document).toContain("болезни матери");
    await h.flush();
    // The head gets a fresh decision card with the new text; the deputy, who saw version 1, gets version 2.
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("болезни матери");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("2-нұсқа");
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("2-нұсқа");
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("болезни матери");
    const [again] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "decide"));
    expect(again).toMatchObject({ state: "pending", openedOn: "2026-03-20" });
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    expect((await h.db.select().from(cases))[0]?.state).toBe("approved");
    const trail = (await h.db.select().from(auditEvents).orderBy(auditEvents.id)).map((e) => e.action);
    expect(trail).toEqual(expect.arrayContaining(["step.sendback", "case.resubmitted", "step.approve"]));
  });

  it("a learner may withdraw a report that was sent back; the officials are told", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "contract_refusal");
    await deputyActs(h, staff);
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "sendback"));
    await h.text(staff.head.tg, "Себептерін толық жазыңыз.");
    await h.command(tg, "status");
    expect(h.buttonsTo(tg.id)).toEqual(["rs:1", "w:1", "dr:1"]);
    await h.press(tg, "w:1");
    await h.press(tg, "wy:1");
    expect((await h.db.select().from(cases))[0]?.state).toBe("withdrawn");
  });

  it("two officials pressing at once: exactly one transition, the other told 'already done by …'", async () => {
    const { h, tg, staff, inst } = await setup();
    const second = await addOfficial(h.db, inst.id, ["head"], "Екінші бастық");
    await fileReport(h, tg, "contract_refusal");
    await deputyActs(h, staff);
    const [decide] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "decide"));
    const now = h.clock();
    const results = await Promise.all(
      [staff.head, second].map((o) =>
        act(
          h.db,
          { stepId: decide!.id, action: "approve", actor: { userId: o.user.id, officialId: o.official.id } },
          now,
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["already_done", "done"]);
    expect(await h.db.select().from(caseSteps).where(eq(caseSteps.key, "order"))).toHaveLength(1);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.approve"))).toHaveLength(
      1,
    );
    await h.press(second.tg, `s:${decide!.id}:approve`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toMatch(/Бастық Б\.Б\.|Екінші бастық/);
  });

  it("a student pressing an official's button, and an official of another institution: refused, audited, nothing changed", async () => {
    const { h, tg, staff } = await setup();
    const other = await addInstitution(h.db, "OTHER");
    const foreignHead = await addOfficial(h.db, other.id, ["head", "deputy_personnel"], "Басқа бастық");
    await fileReport(h, tg, "own_will");
    await h.flush();
    const button = stepButton(h, staff.deputy.tg, "agree");
    await h.press(tg, button);
    await h.press(foreignHead.tg, button);
    await h.press(staff.head.tg, button); // right institution, wrong role
    await h.press(tg, "s:999999:approve"); // forged step id
    for (const a of h.tg.sent("answerCallbackQuery").slice(-4))
      expect(String(a.text)).toContain("өкілеттігіңіз жоқ");
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"))).toHaveLength(
      4,
    );
    const [endorse] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "endorse"));
    expect(endorse?.state).toBe("pending");
    await h.command(foreignHead.tg, "case", "1");
    expect(h.tg.lastTextTo(foreignHead.tg.id)).toContain("табылмады");
  });

  it("an acting delegate can act; the trail records on whose behalf", async () => {
    const { h, tg, staff, inst } = await setup();
    const acting = await addOfficial(h.db, inst.id, ["unit_head"], "Уақытша орынбасар");
    await h.db.insert(delegations).values({
      institutionId: inst.id,
      role: "deputy_personnel",
      fromOfficialId: staff.deputy.official.id,
      toOfficialId: acting.official.id,
      startsOn: "2026-03-16",
      endsOn: "2026-03-27",
    });
    await fileReport(h, tg, "own_will");
    await h.flush();
    await h.press(acting.tg, stepButton(h, acting.tg, "interview"));
    await h.text(acting.tg, "20.03.2026");
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.interview"));
    expect(ev).toMatchObject({
      actorOfficialId: acting.official.id,
      onBehalfOfOfficialId: staff.deputy.official.id,
    });
    await h.flush();
    expect(String(h.tg.sent("editMessageText", staff.deputy.tg.id).at(-1)?.text)).toContain(
      "Уақытша орынбасар",
    );
  });

  it("/inbox lists pending steps; /case shows the report and the timeline; the head reads the audit trail", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will");
    await h.command(staff.deputy.tg, "inbox");
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("№ 1 іс");
    await h.command(staff.head.tg, "inbox");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("тапсырмасы"); // the cl. 20 instruction waits on the head
    await h.command(staff.head.tg, "case", "1");
    const [report, view] = h.tg.textsTo(staff.head.tg.id).slice(-2);
    expect(report).toContain(REASONS);
    expect(view).toContain("бастыққа пікірі");
    expect(view).toContain("фактілерді тексеру"); // upcoming steps are listed
    expect(view).toContain("әлі берілмеген"); // the deputy's opinion, not given yet
    await h.press(staff.head.tg, "t:1");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("баянат тіркелді");
    await h.press(staff.deputy.tg, "t:1"); // not the head: refused
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("өкілеттігіңіз жоқ");
  });

  it("Telegram failing N times then recovering: every message delivered once", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will");
    h.tg.failNext(
      2,
      { kind: "http", code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 },
      "sendMessage",
    );
    h.tg.failNext(2, { kind: "http", code: 502, description: "Bad Gateway" }, "sendMessage");
    h.tg.failNext(2, { kind: "network" }, "sendMessage");
    for (let i = 0; i < 8; i++) {
      await h.flush();
      h.clock.advance(60_000);
    }
    // The deputy's two cards (the opinion and the interview), each once; six failures retried, none lost.
    expect(h.tg.sent("sendMessage", staff.deputy.tg.id)).toHaveLength(2);
    const rows = await h.db.select().from(outbox);
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    // The officials' cards went through the dispatcher (the learner's receipt was answered in the chat).
    const dispatched = rows.filter((r) => r.chatId !== tg.id);
    expect(dispatched.reduce((n, r) => n + r.attempts, 0)).toBe(dispatched.length + 6);
  });

  it("403 marks the user unreachable and tells the administrators once", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    h.adminTelegramIds.push(4242);
    await fileReport(h, tg, "own_will");
    h.tg.failNext(
      1,
      { kind: "http", code: 403, description: "Forbidden: bot was blocked by the user" },
      "sendMessage",
      staff.deputy.tg.id,
    );
    await h.flush();
    await h.flush();
    // The deputy's first card failed with 403 (kept, to be sent again once they unblock the bot).
    const rows = await h.db
      .select()
      .from(outbox)
      .where(eq(outbox.chatId, staff.deputy.tg.id))
      .orderBy(outbox.id);
    expect(rows[0]).toMatchObject({ state: "failed" });
    expect(
      (await h.db.select().from(users).where(eq(users.telegramId, staff.deputy.tg.id)))[0]?.unreachable,
    ).toBe(true);
    const notices = h.tg.textsTo(4242).filter((t) => t.includes(String(staff.deputy.tg.id)));
    expect(notices).toHaveLength(1);
  });
});

describe("D5: the cl. 4 interview on reimbursement grounds", () => {
  const hr = useHarness();

  it("is mandatory (no waiver) and the institution's map is snapshotted when the case opens", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db
      .update(institutions)
      .set({ reimbursement: { contract_refusal: false } })
      .where(eq(institutions.id, inst.id));
    const staff = await addStaff(h.db, inst.id);
    const a = await addStudent(h.db, inst.id);
    const b = await addStudent(h.db, inst.id, { personalNumber: "PN-2" });
    await fileReport(h, a.tg, "contract_refusal");
    // The map changes after the first case opened: the open case keeps its own.
    await h.db.update(institutions).set({ reimbursement: {} }).where(eq(institutions.id, inst.id));
    await fileReport(h, b.tg, "contract_refusal");
    const rows = await h.db.select().from(cases).orderBy(cases.id);
    expect(rows[0]!.reimbursement).toMatchObject({ contract_refusal: false, own_will: true });
    expect(rows[1]!.reimbursement).toMatchObject({ contract_refusal: true });
    const steps = await h.db.select().from(caseSteps).orderBy(caseSteps.id);
    const of = (caseId: number) => steps.filter((s) => s.caseId === caseId).map((s) => s.key);
    expect(of(rows[0]!.id)).toEqual(["endorse", "decide"]); // no interview: the head may decide at once
    expect(of(rows[1]!.id)).toEqual(["endorse", "interview"]); // the head waits for the interview
    await h.flush();
    const [interview] = steps.filter((s) => s.key === "interview");
    await h.press(staff.deputy.tg, `s:${interview!.id}:waive`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("өкілеттігіңіз жоқ");
  });
});
