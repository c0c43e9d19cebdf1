import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { act } from "../../src/cases/act";
import { auditEvents, caseSteps, cases, delegations, institutions, outbox } from "../../src/db/schema";
import { addInstitution, addOfficial, addStaff, addStudent } from "../support/fixtures";
import { fileReport, stepButton } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";

async function finishPostOrder(h: Harness, personnel: TgUser) {
  const steps = await h.db.select().from(caseSteps).where(eq(caseSteps.state, "pending"));
  for (const s of steps) await h.press(personnel, `s:${s.id}:done`);
}

describe("officials act on steps", () => {
  const hr = useHarness();

  async function setup(category: "cadet" | "masters" | "doctoral" = "cadet") {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id, { category });
    return { h, inst, staff, ...s };
  }

  it("contract refusal of a master's student ends in a dismissal order (cl. 26, D7) within 3 working days", async () => {
    const { h, tg, staff } = await setup("masters");
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "19.03.2026"); // before the report: refused with a reason
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("20.03.2026");
    await h.text(staff.deputy.tg, "21.03.2026"); // in the future: refused
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("бүгінгіден кеш болмауы");
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    const order = (await h.db.select().from(caseSteps).where(eq(caseSteps.key, "order")))[0];
    // Decision on Fri 20.03.2026; 23–25 March are days off: 26, 27, 30 March → due 30.03.2026.
    expect(order).toMatchObject({
      role: "personnel_officer",
      dueKind: "statutory",
      dueOn: "2026-03-30",
      cite: "cl. 26; D2",
    });
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
    await h.text(staff.personnel.tg, "45-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    await finishPostOrder(h, staff.personnel.tg);
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({
      state: "closed",
      orderNumber: "45-ж",
      orderDate: "2026-03-20",
      decisionOn: "2026-03-20",
    });
  });

  it("own will of a doctoral student: a submission, the return to the sending unit (cl. 21, 22)", async () => {
    const { h, tg, staff } = await setup("doctoral");
    await fileReport(h, tg, "own_will");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "waive"));
    await h.text(staff.deputy.tg, "Өтеу туралы әңгімелесу 2025 жылы өткізілген.");
    await h.flush();
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
    await h.flush();
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "record"));
    await h.text(staff.personnel.tg, "Фактілер расталды.");
    await h.flush();
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "approve"));
    await h.flush();
    expect(h.buttonsTo(staff.personnel.tg.id).some((b) => b.endsWith(":submission"))).toBe(true);
    await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "submission"));
    await h.text(staff.personnel.tg, "12/3");
    await h.text(staff.personnel.tg, "2026-03-20");
    await finishPostOrder(h, staff.personnel.tg);
    expect((await h.db.select().from(cases))[0]?.state).toBe("closed");
    await h.flush();
    const texts = h.tg.textsTo(tg.id).join("\n");
    for (const milestone of ["келісті", "әңгіме жүргізуді тапсырды", "мақұлдады", "ұсыным", "жабылды"])
      expect(texts).toContain(milestone);
  });

  it("the head rejects with a mandatory reason; the learner is told; pending steps close (D6)", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();
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
    expect(h.tg.lastTextTo(tg.id)).toContain("қабылдамады: Келісімшарт");
  });

  it("the deputy returns the report with a reason; the learner may file again", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "return"));
    await h.text(staff.deputy.tg, "Себептерін толығырақ жазыңыз.");
    expect((await h.db.select().from(cases))[0]?.state).toBe("returned");
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toContain("қайтарылды: Себептерін толығырақ");
    const edit = h.tg.sent("editMessageText", staff.deputy.tg.id).at(-1);
    expect(String(edit?.text)).toContain("Орынбасар К.К.");
    await fileReport(h, tg, "own_will");
    expect(await h.db.select().from(cases)).toHaveLength(2);
  });

  it("two officials pressing at once: exactly one transition, the other told 'already done by …'", async () => {
    const { h, tg, staff, inst } = await setup();
    const second = await addOfficial(h.db, inst.id, ["head"], "Екінші бастық");
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    await h.flush();
    const [decide] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "decide"));
    const now = h.clock();
    const results = await Promise.all([
      act(
        h.db,
        {
          stepId: decide!.id,
          action: "approve",
          actor: { userId: staff.head.user.id, officialId: staff.head.official.id },
        },
        now,
      ),
      act(
        h.db,
        {
          stepId: decide!.id,
          action: "approve",
          actor: { userId: second.user.id, officialId: second.official.id },
        },
        now,
      ),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["already_done", "done"]);
    expect(await h.db.select().from(caseSteps).where(eq(caseSteps.key, "order"))).toHaveLength(1);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.approve"))).toHaveLength(
      1,
    );
    // Through the bot: the late press answers who did it.
    await h.press(second.tg, `s:${decide!.id}:approve`);
    const answer = h.tg.sent("answerCallbackQuery").at(-1);
    expect(String(answer?.text)).toMatch(/Бастық Б\.Б\.|Екінші бастық/);
  });

  it("a student pressing an official's button, and an official of another institution: refused, audited, nothing changed", async () => {
    const { h, tg, staff } = await setup();
    const other = await addInstitution(h.db, "OTHER");
    const foreignHead = await addOfficial(h.db, other.id, ["head", "deputy_personnel"], "Басқа бастық");
    await fileReport(h, tg, "own_will");
    await h.flush();
    const button = stepButton(h, staff.deputy.tg, "interview");
    await h.press(tg, button);
    await h.press(foreignHead.tg, button);
    await h.press(staff.head.tg, button); // right institution, wrong role
    await h.press(tg, "s:999999:approve"); // forged step id
    const answers = h.tg.sent("answerCallbackQuery").slice(-4);
    for (const a of answers) expect(String(a.text)).toContain("құқығыңыз жоқ");
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"));
    expect(refused).toHaveLength(4);
    const [endorse] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "endorse"));
    expect(endorse?.state).toBe("pending");
    // Nor can the other institution's head open the case.
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
    // Both the deputy and the delegate got the request.
    expect(h.buttonsTo(acting.tg.id).some((b) => b.endsWith(":interview"))).toBe(true);
    await h.press(acting.tg, stepButton(h, acting.tg, "interview"));
    await h.text(acting.tg, "20.03.2026");
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.interview"));
    expect(ev).toMatchObject({
      actorOfficialId: acting.official.id,
      onBehalfOfOfficialId: staff.deputy.official.id,
    });
    await h.flush();
    // Every copy of the request became a status line, the deputy's included.
    const deputyEdit = h.tg.sent("editMessageText", staff.deputy.tg.id).at(-1);
    expect(String(deputyEdit?.text)).toContain("Уақытша орынбасар");
  });

  it("/inbox lists pending steps; /case shows the timeline; the head reads the audit trail", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will");
    await h.command(staff.deputy.tg, "inbox");
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("№ 1 іс");
    await h.command(staff.head.tg, "inbox");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("жоқ");
    await h.command(staff.head.tg, "case", "1");
    const view = h.tg.lastTextTo(staff.head.tg.id);
    expect(view).toContain("бастыққа келісу");
    expect(view).toContain("фактілерді тексеру"); // upcoming steps are listed
    await h.press(staff.head.tg, "t:1");
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain("баянат тіркелді");
    await h.press(staff.deputy.tg, "t:1"); // not the head: refused
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("құқығыңыз жоқ");
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
    const tasks = h.tg.sent("sendMessage", staff.deputy.tg.id);
    expect(tasks).toHaveLength(1);
    const rows = await h.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.chatId, staff.deputy.tg.id)));
    expect(rows.map((r) => r.state)).toEqual(["sent"]);
    expect(rows[0]!.attempts).toBe(7);
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
    );
    await h.flush();
    expect(h.tg.sent("sendMessage", staff.deputy.tg.id)).toHaveLength(0);
    expect(h.tg.textsTo(4242).join()).toContain(String(staff.deputy.tg.id));
  });
});

describe("D4: an institution's extra endorsers", () => {
  const hr = useHarness();

  it("the report goes to the unit head first, then the deputy head; a later change of the chain does not reshape open cases", async () => {
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
    expect(h.tg.sent("sendMessage", staff.deputy.tg.id)).toHaveLength(0); // not yet
    await h.db.update(institutions).set({ endorsers: [] }).where(eq(institutions.id, inst.id));
    await h.press(unitHead.tg, stepButton(h, unitHead.tg, "agree"));
    await h.flush();
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain("№ 1 іс");
    const steps = await h.db.select().from(caseSteps).orderBy(caseSteps.id);
    expect(steps.map((s) => [s.key, s.state])).toEqual([
      ["pre_endorse_1", "done"],
      ["endorse", "pending"],
    ]);
  });

  it("an extra endorser may return the report with a reason", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db
      .update(institutions)
      .set({ endorsers: ["unit_head"] })
      .where(eq(institutions.id, inst.id));
    await addStaff(h.db, inst.id);
    const unitHead = await addOfficial(h.db, inst.id, ["unit_head"], "Факультет бастығы");
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    await h.press(unitHead.tg, stepButton(h, unitHead.tg, "return"));
    await h.text(unitHead.tg, "Баянатқа курс бастығының қолы қажет.");
    expect((await h.db.select().from(cases))[0]?.state).toBe("returned");
  });
});
