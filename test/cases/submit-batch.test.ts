/**
 * Issue 17: a submit writes the steps it opens, their cards and the learner's receipt in one statement each,
 * and the conversation marks the receipt delivered by its outbox row. What must not change: the outbox keeps
 * the order of one step at a time (a step without a holder is alerted where it stood, D14), the receipt is
 * sent exactly once (by the conversation, or by the dispatcher after the grace period, never both).
 */
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { markReceiptDelivered, RECEIPT_GRACE_MS } from "../../src/cases/receipt";
import { caseSteps, outbox } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addOfficial, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, fileReport, stepButton, submitOwnWill } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";

const kk = tFor("kk");

const submit = (h: Harness, userId: number) => submitOwnWill(h, userId, { phone: null, reportLang: "kk" });

describe("a submit's statements, batched (issue 17)", () => {
  const hr = useHarness(); // Friday 20 March 2026, 09:00 Asia/Almaty

  /** The outbox in id order, as "<who>:<step key | alert | text>". */
  async function outboxOrder(h: Harness, caseId: number, who: Map<number, string>) {
    const steps = await h.db
      .select()
      .from(caseSteps)
      .where(eq(caseSteps.caseId, caseId))
      .orderBy(asc(caseSteps.id));
    const keyOf = new Map(steps.map((s) => [s.id, s.key]));
    const headline = kk("no_holder.alert", { id: caseId, step: "", role: "", todo: "" }).split("</b>")[0]!;
    const rows = await h.db.select().from(outbox).orderBy(asc(outbox.id));
    const seq = rows.map((row) => {
      const text = (row.payload as { text: string }).text;
      const what = row.stepId ? keyOf.get(row.stepId) : text.startsWith(headline) ? "alert" : "text";
      return `${who.get(row.chatId)}:${what}`;
    });
    return { steps: steps.map((s) => s.key), seq, rows };
  }

  it("the outbox keeps one step at a time: steps without a holder alerted in their place, the receipt last", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Әкімші А.А.");
    const head = await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.");
    // Nobody holds deputy_personnel: its steps (the endorsement, the interview) wait on nobody.
    const learner = await addStudent(h.db, inst.id);
    const r = await submit(h, learner.user.id);
    const who = new Map([
      [admin.tg.id, "admin"],
      [head.tg.id, "head"],
      [learner.tg.id, "learner"],
    ]);
    const { steps, seq, rows } = await outboxOrder(h, r.caseId, who);
    // In the order the steps opened: one alert per step waiting on nobody (to the administrator and the
    // head), then the head's card, then the receipt.
    expect(steps).toEqual(["endorse", "interview", "instruct"]);
    expect(seq).toEqual([
      "admin:alert",
      "head:alert",
      "admin:alert",
      "head:alert",
      "head:instruct",
      "learner:text",
    ]);
    // The receipt is the last row, due after the grace period; its id is what the submit returned.
    const last = rows.at(-1)!;
    expect(r.receipt).toEqual([last.id]);
    expect(last).toMatchObject({ chatId: learner.tg.id, caseId: r.caseId, state: "pending", stepId: null });
    expect(last.nextAttemptAt.getTime()).toBe(h.clock().getTime() + RECEIPT_GRACE_MS);
    for (const row of rows.slice(0, -1)) expect(row.nextAttemptAt.getTime()).toBe(h.clock().getTime());
  });

  it("cards of the steps before one without a holder go out before its alert", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Әкімші А.А.");
    const deputy = await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.");
    // Nobody holds head: the instruction, opened last, waits on nobody.
    const learner = await addStudent(h.db, inst.id);
    const r = await submit(h, learner.user.id);
    const who = new Map([
      [admin.tg.id, "admin"],
      [deputy.tg.id, "deputy"],
      [learner.tg.id, "learner"],
    ]);
    const { seq } = await outboxOrder(h, r.caseId, who);
    // The deputy reads the report on the first card only (D4), then the alert for the instruction.
    expect(seq).toEqual(["deputy:endorse", "deputy:interview", "admin:alert", "learner:text"]);
  });

  it("the receipt is marked by its own row, only while it is still queued; the dispatcher sends the rest once", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const one = await addStudent(h.db, inst.id);
    const two = await addStudent(h.db, inst.id);
    const first = await submit(h, one.user.id);
    const second = await submit(h, two.user.id);
    expect(first.receipt).toHaveLength(1);
    expect(second.receipt).toHaveLength(1);

    const state = async () =>
      new Map((await h.db.select().from(outbox)).map((row) => [row.id, row.state] as const));
    const before = await state();
    await markReceiptDelivered(h.db, first.caseId, h.clock(), first.receipt);
    const after = await state();
    for (const [id, s] of after) expect(s).toBe(id === first.receipt[0] ? "sent" : before.get(id));

    // The second learner's conversation answers too late: the row is the dispatcher's now.
    h.clock.advance(RECEIPT_GRACE_MS + 1000);
    await markReceiptDelivered(h.db, second.caseId, h.clock(), second.receipt);
    expect((await state()).get(second.receipt[0]!)).toBe("pending");
    await h.flush();
    const receipt = (tg: { id: number }, id: number) =>
      h.tg.textsTo(tg.id).filter((t) => t.includes(`№ ${id} іс ретінде тіркелді`));
    expect(receipt(one.tg, first.caseId)).toHaveLength(0); // the conversation's answer was the receipt
    expect(receipt(two.tg, second.caseId)).toHaveLength(1);
    // Nothing to mark: a learner not on Telegram has no receipt row.
    await markReceiptDelivered(h.db, first.caseId, h.clock(), []);
  });

  it("a report sent back and completed: the conversation's answer is the receipt, not sent a second time", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "contract_refusal", "kk"); // ch. 6: the head decides after the deputy's part
    await deputyActs(h, staff);
    await h.press(staff.head.tg, stepButton(h, staff.head.tg, "sendback"));
    await h.text(staff.head.tg, "Себептерін толығырақ жазыңыз.");
    await h.flush();
    await h.press(tg, "rs:1");
    await h.press(tg, "r:submit");
    const told = kk("notice.resubmitted", { id: 1, version: 2 });
    expect(h.tg.lastTextTo(tg.id)).toBe(told);
    h.clock.advance(RECEIPT_GRACE_MS + 1000);
    await h.flush();
    expect(h.tg.textsTo(tg.id).filter((t) => t === told)).toHaveLength(1);
  });
});
