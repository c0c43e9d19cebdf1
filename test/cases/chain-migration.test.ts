/**
 * Cases opened under the first chain (before the D4/D6 revision) move to the lawful chain at start-up:
 * none is lost or stuck (issue: "Only the head decides").
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrateToLawfulChain } from "../../src/cases/chain-migration";
import { auditEvents, caseSteps, cases, reportVersions, stepMessages } from "../../src/db/schema";
import {
  type CaseState,
  type Category,
  DEFAULT_REIMBURSEMENT,
  type DueKind,
  type Ground,
  type Role,
  type StepKey,
  type StepState,
} from "../../src/rules";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { REASONS, stepButton, tap } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";

type StepSeed = {
  key: StepKey;
  role: Role;
  state?: StepState;
  openedOn?: string;
  dueOn?: string | null;
  dueKind?: DueKind | null;
  result?: Record<string, unknown>;
  doneBy?: number;
};

/** A case as the first chain left it (chain_version 1), with its steps. */
async function oldCase(
  h: Harness,
  c: { studentId: number; institutionId: number; ground: Ground; category: Category; state?: CaseState },
  steps: StepSeed[],
  extra: Partial<typeof cases.$inferInsert> = {},
) {
  const [row] = await h.db
    .insert(cases)
    .values({
      institutionId: c.institutionId,
      studentId: c.studentId,
      ground: c.ground,
      category: c.category,
      rulesEdition: "75/қе",
      state: c.state ?? "open",
      reportLang: "kk",
      reasons: REASONS,
      conscriptServed: false,
      phone: "+7 700 123 45 67",
      studentSnapshot: {
        fullName: "Нұрғалиев Ә.С.",
        rank: "курсант",
        groupName: "Т-21",
        category: c.category,
      },
      registeredAt: new Date("2026-03-18T04:00:00Z"),
      registeredOn: "2026-03-18",
      reimbursement: { ...DEFAULT_REIMBURSEMENT }, // what migration 0003 fills in
      chainVersion: 1,
      ...extra,
    })
    .returning();
  const rows = [];
  for (const s of steps) {
    const [r] = await h.db
      .insert(caseSteps)
      .values({
        caseId: row!.id,
        key: s.key,
        role: s.role,
        state: s.state ?? "pending",
        openedAt: new Date(`${s.openedOn ?? "2026-03-18"}T04:00:00Z`),
        openedOn: s.openedOn ?? "2026-03-18",
        dueOn: s.dueOn === undefined ? "2026-03-20" : s.dueOn,
        dueKind: s.dueKind === undefined ? "target" : s.dueKind,
        cite: "D3",
        ...(s.state === "done"
          ? {
              doneAt: new Date("2026-03-19T05:00:00Z"),
              doneByOfficialId: s.doneBy ?? null,
              result: s.result ?? {},
            }
          : {}),
      })
      .returning();
    rows.push(r!);
  }
  return { c: row!, steps: rows };
}

describe("moving open cases to the lawful chain", () => {
  const hr = useHarness();

  async function setup() {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    return { h, inst, staff };
  }

  it("ch. 4 waiting on the deputy: the endorsement becomes an opinion, the interview and the head's instruction open, old cards are replaced", async () => {
    const { h, inst, staff } = await setup();
    const { student } = await addStudent(h.db, inst.id);
    const { c, steps } = await oldCase(
      h,
      { studentId: student.id, institutionId: inst.id, ground: "own_will", category: "cadet" },
      [{ key: "endorse", role: "deputy_personnel" }],
    );
    await h.db
      .insert(stepMessages)
      .values({ stepId: steps[0]!.id, chatId: staff.deputy.tg.id, messageId: 77 });

    const moved = await migrateToLawfulChain(h.db, h.clock());
    expect(moved).toEqual([
      { caseId: c.id, opened: ["interview", "instruct"], cancelled: [], resent: ["endorse"] },
    ]);
    const after = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c.id)).orderBy(caseSteps.id);
    expect(after.map((s) => [s.key, s.state])).toEqual([
      ["endorse", "pending"],
      ["interview", "pending"],
      ["instruct", "pending"],
    ]);
    // Registered Wed 18.03.2026: the head's statutory 2 WD end Fri 20.03.2026 (cl. 20).
    expect(after[2]).toMatchObject({ dueOn: "2026-03-20", dueKind: "statutory" });
    const [mc] = await h.db.select().from(cases).where(eq(cases.id, c.id));
    expect(mc?.chainVersion).toBe(2);
    // D12: the report is stored as version 1, dated the day it was filed.
    const [v] = await h.db.select().from(reportVersions).where(eq(reportVersions.caseId, c.id));
    expect(v).toMatchObject({ version: 1, reasons: REASONS });
    expect(v!.document).toContain("18.03.2026");
    await h.flush();
    // The old card (buttons "waive", "return") is edited into a note; the new cards have agree / disagree / interview.
    const edit = h.tg.sent("editMessageText", staff.deputy.tg.id).at(-1);
    expect(edit).toMatchObject({ message_id: 77 });
    expect(String(edit?.text)).toContain("қолданыстағы қағидаларға сәйкестендірілді");
    const buttons = h.tg
      .sent("sendMessage", staff.deputy.tg.id)
      .flatMap((p) =>
        (
          (p.reply_markup as { inline_keyboard?: { callback_data: string }[][] })?.inline_keyboard ?? []
        ).flat(),
      )
      .filter((b) => b.callback_data.startsWith("s:"))
      .map((b) => b.callback_data.split(":")[2]);
    expect(buttons.sort()).toEqual(["agree", "disagree", "interview"]);
    expect(h.tg.lastTextTo(staff.head.tg.id)).toContain(REASONS);
  });

  it("ch. 6 whose interview was waived: the interview opens again (never waived) and the head's decision waits for it", async () => {
    const { h, inst, staff } = await setup();
    const { student, tg } = await addStudent(h.db, inst.id);
    const { c } = await oldCase(
      h,
      { studentId: student.id, institutionId: inst.id, ground: "contract_refusal", category: "cadet" },
      [
        {
          key: "endorse",
          role: "deputy_personnel",
          state: "done",
          result: { action: "waive", reason: "бұрын өткен" },
          doneBy: staff.deputy.official.id,
        },
        { key: "decide", role: "head", openedOn: "2026-03-19" },
      ],
    );
    await migrateToLawfulChain(h.db, h.clock());
    const after = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c.id)).orderBy(caseSteps.id);
    expect(after.map((s) => [s.key, s.state])).toEqual([
      ["endorse", "done"],
      ["decide", "pending"],
      ["interview", "pending"],
    ]);
    await h.flush();
    const decide = after.find((s) => s.key === "decide")!;
    await h.press(staff.head.tg, `s:${decide.id}:approve`);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toContain("әңгімелесу");
    expect((await h.db.select().from(cases).where(eq(cases.id, c.id)))[0]?.state).toBe("open");
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
    await h.text(staff.deputy.tg, "20.03.2026");
    await tap(h, staff.head.tg, `s:${decide.id}:approve`);
    expect((await h.db.select().from(cases).where(eq(cases.id, c.id)))[0]?.state).toBe("approved");
    await h.flush();
    expect(h.tg.textsTo(tg.id).join()).toContain("мақұлдады");
  });

  it("an approved master's case under ch. 4: the order on expulsion opens beside the submission, the referral closes (D7, D11), cl. 7 is recounted from the order", async () => {
    const { h, inst, staff } = await setup();
    const { student } = await addStudent(h.db, inst.id, { category: "masters" });
    const { c } = await oldCase(
      h,
      {
        studentId: student.id,
        institutionId: inst.id,
        ground: "own_will",
        category: "masters",
        state: "approved",
      },
      [
        {
          key: "endorse",
          role: "deputy_personnel",
          state: "done",
          result: { action: "interview", date: "2026-03-18" },
          doneBy: staff.deputy.official.id,
        },
        { key: "instruct", role: "head", state: "done" },
        {
          key: "conversation",
          role: "personnel_officer",
          state: "done",
          result: { action: "record", note: "расталды" },
        },
        { key: "decide", role: "head", state: "done", result: { action: "approve" } },
        {
          key: "submission",
          role: "personnel_officer",
          state: "done",
          result: { action: "submission", number: "5", date: "2026-03-19" },
        },
        {
          key: "notify_personnel_dept",
          role: "personnel_officer",
          dueOn: "2026-03-27",
          dueKind: "statutory",
        },
        { key: "military_referral", role: "personnel_officer" },
        { key: "transcript", role: "personnel_officer" },
        { key: "cost_calculation", role: "personnel_officer" },
      ],
      { decisionOn: "2026-03-19", orderDate: "2026-03-19", orderNumber: "5" },
    );
    const [moved] = await migrateToLawfulChain(h.db, h.clock());
    expect(moved).toMatchObject({ opened: ["order"], cancelled: ["military_referral"] });
    const after = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c.id)).orderBy(caseSteps.id);
    // The interview held under the old endorsement is its own step now, done with its date.
    expect(after.find((s) => s.key === "interview")).toMatchObject({
      state: "done",
      result: { action: "interview", date: "2026-03-18" },
    });
    expect(after.find((s) => s.key === "military_referral")?.state).toBe("cancelled");
    const order = after.find((s) => s.key === "order")!;
    expect(order.state).toBe("pending");
    await h.flush();
    await h.press(staff.personnel.tg, `s:${order.id}:order`);
    await h.text(staff.personnel.tg, "9-ж");
    await h.text(staff.personnel.tg, "20.03.2026");
    await h.press(staff.personnel.tg, "si:no");
    const [notify] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "notify_personnel_dept"));
    // Order dated Fri 20.03.2026: 5 WD are 26, 27, 30, 31 March and 1 April.
    expect(notify?.dueOn).toBe("2026-04-01");
  });

  it("ended cases keep their history; the migration runs once however often it starts", async () => {
    const { h, inst, staff } = await setup();
    const a = await addStudent(h.db, inst.id);
    const { c } = await oldCase(
      h,
      {
        studentId: a.student.id,
        institutionId: inst.id,
        ground: "own_will",
        category: "cadet",
        state: "returned",
      },
      [
        {
          key: "endorse",
          role: "deputy_personnel",
          state: "done",
          result: { action: "return", reason: "толықтыру" },
          doneBy: staff.deputy.official.id,
        },
      ],
    );
    expect(await migrateToLawfulChain(h.db, h.clock())).toEqual([]);
    expect(await migrateToLawfulChain(h.db, h.clock())).toEqual([]);
    const steps = await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, c.id));
    expect(steps.map((s) => [s.key, s.state])).toEqual([["endorse", "done"]]);
    const [row] = await h.db.select().from(cases).where(eq(cases.id, c.id));
    expect(row).toMatchObject({ state: "returned", chainVersion: 2 });
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.migrated"));
    expect(events).toHaveLength(1);
  });
});
