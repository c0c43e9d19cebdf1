/**
 * Issue 16: officials open cases on the grounds a learner does not file (cl. 2, 12, 16), through the use
 * case: who may, for whom, with what, and the statutory clocks of cl. 14, 15 and 18 on the calendar.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attachmentsOf } from "../../src/cases/attachments";
import { type OpenInput, openCase } from "../../src/cases/open";
import { caseSteps, cases, reportVersions, students } from "../../src/db/schema";
import { findLearners } from "../../src/people/learner-search";
import { actOn, at, stepOf } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { useHarness } from "../support/harness";

const photo = (kind: string, n = 1) => ({
  kind,
  media: "photo" as const,
  fileId: `F${kind}${n}`,
  fileUniqueId: `U${kind}${n}`,
  size: 120_000,
});

describe("officials open cases on the other grounds (issue 16)", () => {
  const hr = useHarness();

  async function cast(h = hr.current) {
    const inst = await addInstitution(h.db);
    const o = {
      head: await addOfficial(h.db, inst.id, ["head"], "Head H.H.", "ru"),
      deputy: await addOfficial(h.db, inst.id, ["deputy_personnel"], "Deputy D.D.", "ru"),
      academic: await addOfficial(h.db, inst.id, ["deputy_academic"], "Academic A.A.", "ru"),
      upbringing: await addOfficial(h.db, inst.id, ["deputy_upbringing"], "Upbringing U.U.", "ru"),
      methods: await addOfficial(h.db, inst.id, ["academic_methods_head"], "Methods M.M.", "ru"),
      unit: await addOfficial(h.db, inst.id, ["unit_head"], "Unit U.H.", "ru"),
      personnel: await addOfficial(h.db, inst.id, ["personnel_officer"], "Personnel P.P.", "ru"),
    };
    return { inst, o };
  }
  const by = (p: { user: { id: number }; official: { id: number } }) => ({
    userId: p.user.id,
    officialId: p.official.id,
  });

  it("ch. 2: the cl. 14 clock runs from the debt period's last day (Nauryz skipped), the deputy for academic work agrees, the cl. 15 order is due 2 WD after the decision, and the case closes", async () => {
    const h = hr.current;
    const { inst, o } = await cast();
    const { student, tg } = await addStudent(h.db, inst.id, {
      name: "Серік Болатұлы Ахметов",
      personalNumber: "A-1001",
      lang: "ru",
    });
    at(h, "2026-03-26 10:00");
    const input: OpenInput = {
      actor: by(o.methods),
      ground: "academic_failure",
      studentId: student.id,
      reportLang: "ru",
      text: "Высшая математика, экзамен не сдан",
      facts: { debtEndsOn: "19.03.2026" },
      attachments: [photo("interview_sheets"), { kind: "debt_notifications", media: "paper", pages: 3 }],
    };
    const r = await openCase(h.db, input, h.clock());
    expect(r).toMatchObject({ ok: true, registeredOn: "2026-03-19" });
    if (!r.ok) return;
    // Cl. 14: 3 WD from 20.03 (Fri), 23–25.03 Nauryz off: 20, 26, 27 → 27.03, statutory; filed on the 26th.
    const submit = await stepOf(h.db, r.caseId, "submit_academic");
    expect(submit).toMatchObject({
      state: "done",
      dueOn: "2026-03-27",
      dueKind: "statutory",
      doneByOfficialId: o.methods.official.id,
    });
    const agree = await stepOf(h.db, r.caseId, "agree_academic");
    expect(agree).toMatchObject({ state: "pending", role: "deputy_academic" });
    const [doc] = await h.db.select().from(reportVersions).where(eq(reportVersions.caseId, r.caseId));
    expect(doc?.document).toContain("ПРЕДСТАВЛЕНИЕ (РАПОРТ)");
    // The learner after a colon: the wording needs no case ending on the name (kk and ru alike).
    expect(doc?.document).toContain(
      "представляю к отчислению обучающегося: курсант Серік Болатұлы Ахметов (",
    );
    expect(doc?.document).toContain("Срок ликвидации академической задолженности истёк 19.03.2026");
    expect(doc?.document).toContain("листы бесед (п. 13): 1 файл");
    expect(doc?.document).toContain("на бумаге 3 листа");
    expect((await attachmentsOf(h.db, r.caseId)).map((a) => a.media)).toEqual(["photo", "paper"]);
    // The learner is told that a case was opened on him, and who decides.
    await h.flush();
    expect(h.tg.lastTextTo(tg.id)).toBe(
      `📨 В отношении вас открыто дело № ${r.caseId} об отчислении: неуспеваемость (гл. 2). Решение принимает начальник учебного заведения. Следите за ходом: /status.`,
    );
    // A second case for the same learner is refused while this one runs.
    expect(await openCase(h.db, input, h.clock())).toMatchObject({ ok: false, reason: "open_case" });

    // The head cannot decide before the agreement and the cl. 4 interview (D5).
    await actOn(h, o.academic, r.caseId, "agree_academic", "agree");
    await actOn(h, o.deputy, r.caseId, "interview", "interview", { date: "26.03.2026" });
    at(h, "2026-03-27 11:00");
    await actOn(h, o.head, r.caseId, "decide", "approve");
    // Cl. 15, cadet: the order within 2 WD of the decision (Fri 27.03): 30, 31 March.
    expect(await stepOf(h.db, r.caseId, "order")).toMatchObject({
      dueOn: "2026-03-31",
      dueKind: "statutory",
    });
    await actOn(h, o.personnel, r.caseId, "order", "order", {
      number: "12",
      date: "27.03.2026",
      conscript: "no",
    });
    for (const s of await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, r.caseId))) {
      if (s.state !== "pending") continue;
      if (s.key === "notify_personnel_dept")
        await actOn(h, o.personnel, r.caseId, s.key, "letter", { number: "7/1", date: "27.03.2026" });
      else if (s.key === "cost_calculation")
        await actOn(h, o.personnel, r.caseId, s.key, "amount", { amount: "900000" });
      else await actOn(h, o.personnel, r.caseId, s.key, "done");
    }
    const [c] = await h.db.select().from(cases).where(eq(cases.id, r.caseId));
    expect(c?.state).toBe("closed");
  });

  it("ch. 3: the unit head files, the deputy for upbringing work may disagree but only the head decides; the cl. 18 order is due in 2 WD for a master's student too", async () => {
    const h = hr.current;
    const { inst, o } = await cast();
    const { student } = await addStudent(h.db, inst.id, { category: "masters" });
    at(h, "2026-04-01 10:00");
    const r = await openCase(
      h.db,
      {
        actor: by(o.unit),
        ground: "negative_reasons",
        studentId: student.id,
        reportLang: "kk",
        text: "Қызметтік тергеп-тексеру қорытындысы бойынша тәртіпті өрескел бұзу",
        facts: {},
        attachments: [
          {
            kind: "investigation_materials",
            media: "pdf",
            fileId: "Fpdf",
            fileUniqueId: "Updf",
            fileName: "inv.pdf",
            size: 2_000_000,
          },
        ],
      },
      h.clock(),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    await actOn(h, o.upbringing, r.caseId, "agree_upbringing", "disagree", { reason: "Материалы неполные" });
    // A disagreement does not end the case: the interview opens, then the head decides.
    await actOn(h, o.deputy, r.caseId, "interview", "interview", { date: "01.04.2026" });
    await actOn(h, o.head, r.caseId, "decide", "approve");
    // Cl. 18: 2 WD from Wed 01.04 → Fri 03.04; an order (dismissal) even for a master's student (D7).
    expect(await stepOf(h.db, r.caseId, "order")).toMatchObject({
      dueOn: "2026-04-03",
      dueKind: "statutory",
    });
    const keys = (await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, r.caseId))).map(
      (s) => s.key,
    );
    expect(keys).not.toContain("submission");
  });

  it("cl. 2: personnel records a foreign expulsion; the order and, for a doctoral student, the submission open after the interview", async () => {
    const h = hr.current;
    const { inst, o } = await cast();
    const { student } = await addStudent(h.db, inst.id, { category: "doctoral" });
    at(h, "2026-04-01 10:00");
    const r = await openCase(
      h.db,
      {
        actor: by(o.personnel),
        ground: "foreign_org",
        studentId: student.id,
        reportLang: "ru",
        text: "Приказ № 45 от 20.03.2026",
        facts: { foreignOrg: "Академия ФСБ", expelledOn: "20.03.2026" },
        attachments: [photo("foreign_expulsion")],
      },
      h.clock(),
    );
    expect(r).toMatchObject({ ok: true, registeredOn: "2026-04-01" });
    if (!r.ok) return;
    const [c] = await h.db.select().from(cases).where(eq(cases.id, r.caseId));
    expect(c?.facts).toEqual({ foreignOrg: "Академия ФСБ", expelledOn: "2026-03-20" });
    await actOn(h, o.deputy, r.caseId, "interview", "interview", { date: "01.04.2026" });
    expect((await stepOf(h.db, r.caseId, "foreign_order")).state).toBe("pending");
    expect((await stepOf(h.db, r.caseId, "foreign_submission")).state).toBe("pending");
  });

  it("refuses the wrong role, another institution's learner, one's own case, a future or malformed date and missing attachments", async () => {
    const h = hr.current;
    const { inst, o } = await cast();
    const other = await addInstitution(h.db, "OTHER");
    const { student: theirs } = await addStudent(h.db, other.id, {
      name: "Бөтен Бөтенов",
      personalNumber: "X-1",
    });
    const { student: ours } = await addStudent(h.db, inst.id, {
      name: "Біздің Білімалушы",
      personalNumber: "A-2",
    });
    at(h, "2026-04-01 10:00");
    const base: OpenInput = {
      actor: by(o.methods),
      ground: "academic_failure",
      studentId: ours.id,
      reportLang: "kk",
      text: "Жоғары математика",
      facts: { debtEndsOn: "30.03.2026" },
      attachments: [photo("interview_sheets"), photo("debt_notifications")],
    };
    // The unit head may open ch. 3, not ch. 2; personnel cannot open ch. 2 either.
    expect(await openCase(h.db, { ...base, actor: by(o.unit) }, h.clock())).toMatchObject({
      ok: false,
      reason: "not_allowed",
    });
    expect(await openCase(h.db, { ...base, actor: by(o.personnel) }, h.clock())).toMatchObject({
      ok: false,
      reason: "not_allowed",
    });
    // Another institution's learner is nobody, by id and by search.
    expect(await openCase(h.db, { ...base, studentId: theirs.id }, h.clock())).toMatchObject({
      ok: false,
      reason: "not_found",
    });
    expect(await findLearners(h.db, inst.id, "Бөтен")).toEqual([]);
    expect(await findLearners(h.db, inst.id, "X-1")).toEqual([]);
    expect((await findLearners(h.db, inst.id, "білім")).map((m) => m.personalNumber)).toEqual(["A-2"]);
    expect((await findLearners(h.db, inst.id, "A-2")).map((m) => m.fullName)).toEqual(["Біздің Білімалушы"]);
    // A LIKE wildcard is a character, not "anything".
    expect(await findLearners(h.db, inst.id, "%%")).toEqual([]);
    expect(await openCase(h.db, { ...base, facts: { debtEndsOn: "02.04.2026" } }, h.clock())).toMatchObject({
      ok: false,
      error: { key: "invalid.date_future" },
    });
    expect(await openCase(h.db, { ...base, facts: { debtEndsOn: "31/02/2026" } }, h.clock())).toMatchObject({
      ok: false,
      error: { key: "invalid.date_format" },
    });
    expect(
      await openCase(h.db, { ...base, attachments: [photo("interview_sheets")] }, h.clock()),
    ).toMatchObject({
      ok: false,
      error: { key: "invalid.attachments" },
    });
    expect(
      await openCase(
        h.db,
        {
          ...base,
          attachments: [...base.attachments, { ...photo("interview_sheets", 2), size: 21 * 1024 * 1024 }],
        },
        h.clock(),
      ),
    ).toMatchObject({ ok: false, error: { key: "invalid.attachments" } });
    // Nobody opens a case on himself, whatever his roles.
    const self = await addOfficial(h.db, inst.id, ["academic_methods_head"], "Self S.S.");
    const { student: me } = await addStudent(h.db, inst.id, { personalNumber: "A-3" });
    await h.db.update(students).set({ userId: self.user.id }).where(eq(students.id, me.id));
    expect(await openCase(h.db, { ...base, actor: by(self), studentId: me.id }, h.clock())).toMatchObject({
      ok: false,
      reason: "own_case",
    });
    expect(await h.db.select().from(cases)).toEqual([]);
  });
});
