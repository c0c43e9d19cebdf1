/**
 * The pure renderers of src/messages: what each message says and which buttons it carries, in the reader's
 * language, without a database or a bot. The end-to-end tests check that the bot and the jobs send them.
 */
import { describe, expect, it } from "vitest";
import { tFor } from "../../src/i18n";
import { actResultText } from "../../src/messages/act-result";
import { breachMessages, holderNames } from "../../src/messages/breach";
import * as cb from "../../src/messages/callbacks";
import { dueChangeMessage } from "../../src/messages/due-change";
import { MAX_LISTED } from "../../src/messages/fit";
import {
  caseRef,
  dueLine,
  formatAmount,
  formatCite,
  formatDate,
  unescaped,
  usableUsername,
} from "../../src/messages/format";
import {
  caseButtons,
  caseKeyboard,
  inboxKeyboard,
  inlineMarkup,
  languageButtons,
  menuKeyboard,
  statusKeyboard,
} from "../../src/messages/keyboards";
import {
  draftExpiringNotice,
  learnerNotice,
  noHolderAlert,
  opinionNotice,
  purgeStub,
} from "../../src/messages/notices";
import { sexContext } from "../../src/messages/report-document";
import {
  type CardFacts,
  resultText,
  stepCancelledLine,
  stepDoneLine,
  taskCard,
} from "../../src/messages/task";
import { timelineText } from "../../src/messages/timeline";
import type { CaseViewContext, StepView } from "../../src/messages/views";
import { DEFAULT_CALENDAR, workflowFor } from "../../src/rules";

const en = tFor("en");
/** Friday 20 March 2026, 09:00 in Almaty. */
const now = new Date("2026-03-20T04:00:00Z");
const calendar = DEFAULT_CALENDAR;

const step = (over: Partial<StepView> & Pick<StepView, "id" | "key" | "role">): StepView => ({
  state: "pending",
  dueOn: "2026-03-24",
  dueKind: "statutory",
  cite: "cl. 20; D2",
  doneAt: null,
  doneByOfficialId: null,
  result: null,
  ...over,
});

function ownWillCase(over: Partial<CaseViewContext["c"]> = {}, steps: StepView[] = []): CaseViewContext {
  return {
    c: {
      id: 12,
      ground: "own_will",
      category: "cadet",
      state: "open",
      reasons: "Family <reasons> & more",
      studentSnapshot: { rank: "cadet", fullName: "Nurlanov A. <S>", groupName: "G-1" },
      registeredOn: "2026-03-16",
      outcomeReason: null,
      purgedAt: null,
      ...over,
    },
    wf: workflowFor("own_will", { category: "cadet", conscriptServed: false }),
    steps,
    calendar,
  };
}

describe("format", () => {
  it("dates, instants and sums as officials in Kazakhstan write them", () => {
    expect(formatDate("2026-03-05")).toBe("05.03.2026");
    expect(formatAmount("1234567.5")).toBe("1\u00a0234\u00a0567,5 ₸");
    expect(formatAmount("900")).toBe("900 ₸");
  });

  it("D13: cites in the reader's words, decision codes never shown", () => {
    expect(formatCite(en, "cl. 20; D2; D3")).toBe("cl. 20");
    expect(formatCite(tFor("ru"), "cl. 21; cl. 22")).toBe("п. 21; п. 22");
  });

  it("due lines: statutory with its clause, a target without one, overdue, today, none (D3)", () => {
    const due = (dueOn: string | null, dueKind: string | null) =>
      dueLine(en, { dueOn, dueKind, cite: "cl. 20; D2" }, now, calendar);
    // After Friday 20 March come the weekend and the Nauryz days off: 26 and 27 March are the working days left.
    expect(due("2026-03-27", "statutory")).toBe(
      "statutory deadline 27.03.2026 (cl. 20) · 2 working days left",
    );
    expect(due("2026-03-27", "target")).toBe("the institution's target: 27.03.2026 · 2 working days left");
    expect(due("2026-03-20", "statutory")).toContain("due today");
    expect(due("2026-03-18", "statutory")).toContain("⚠️ overdue by 2 working days");
    expect(due(null, null)).toBe("no deadline");
  });

  it("a case named as a link only with a username Telegram allows (issue 14.10)", () => {
    expect(caseRef(en, 7, "akad_bot")).toBe(`<a href="https://t.me/akad_bot?start=case_7">Case No. 7</a>`);
    expect(caseRef(en, 7, null)).toBe("Case No. 7");
    expect(caseRef(en, 7, 'x"><b>')).toBe("Case No. 7");
    expect(usableUsername("ab")).toBeNull();
  });

  it("unescaped: values as they are, for toasts and files (issue 12.13)", () => {
    expect(en("act.already_done", { name: "Ivan & Co", at: "—" })).toContain("Ivan &amp; Co");
    expect(unescaped(en)("act.already_done", { name: "Ivan & Co", at: "—" })).toContain("Ivan & Co");
  });
});

describe("keyboards", () => {
  it("cases open two to a row, with c:<id>", () => {
    const rows = caseButtons(en, [1, 2, 3]);
    expect(rows.map((r) => r.map((b) => b.data))).toEqual([["c:1", "c:2"], ["c:3"]]);
    expect(rows[0]![0]!.text).toBe("Open No. 1");
  });

  it("Telegram's markup drops empty rows, and a keyboard without buttons is none", () => {
    expect(inlineMarkup([[], [{ text: "a", data: "c:1" }]])).toEqual({
      inline_keyboard: [[{ text: "a", callback_data: "c:1" }]],
    });
    expect(inlineMarkup([[]])).toBeUndefined();
  });

  it("each language is named in its own language", () => {
    const names = languageButtons().map((b) => b.text);
    expect(names).toEqual(["kk", "ru", "en"].map((l) => tFor(l)("lang.name")));
    expect(languageButtons(true).map((b) => b.data)).toEqual([
      "lang:kk:menu",
      "lang:ru:menu",
      "lang:en:menu",
    ]);
  });

  it("the menu: the learner's and the official's rows, then language and help; D10 offers the languages", () => {
    const data = (rows: ReturnType<typeof menuKeyboard>) => rows.map((r) => r.map((b) => b.data));
    expect(data(menuKeyboard(en, { student: true, official: true }))).toEqual([
      ["menu:report", "menu:status"],
      ["menu:inbox"],
      ["menu:lang", "menu:help"],
    ]);
    expect(data(menuKeyboard(en, { student: false, official: true }, true))).toEqual([
      ["menu:inbox"],
      ["menu:help"],
      ["lang:kk:menu", "lang:ru:menu", "lang:en:menu"],
    ]);
    // Issue 16: an official who opens cases has "Open a case" beside the inbox.
    expect(data(menuKeyboard(en, { student: false, official: true, opener: true }))).toEqual([
      ["menu:inbox", "menu:open"],
      ["menu:lang", "menu:help"],
    ]);
  });

  it("/inbox: the items' numbers on their buttons, and only the page turns that exist", () => {
    const rows = inboxKeyboard(en, [5, 6, 7], 10, 1, 3);
    expect(rows.map((r) => r.map((b) => b.data))).toEqual([["c:5", "c:6"], ["c:7"], ["ib:0", "ib:2"]]);
    expect(rows[0]![0]!.text).toBe("11 · case No. 5");
    expect(inboxKeyboard(en, [5], 0, 0, 1)).toHaveLength(1);
    expect(
      inboxKeyboard(en, [5], 0, 0, 2)
        .at(-1)!
        .map((b) => b.text),
    ).toEqual(["▶"]);
  });

  it("/case: a row per action, then documents and the audit trail", () => {
    const rows = caseKeyboard(
      en,
      9,
      [{ stepId: 3, actions: [{ action: "agree" }, { action: "disagree" }] }],
      {
        documents: true,
        trail: false,
      },
    );
    expect(rows.map((r) => r.map((b) => b.data))).toEqual([["s:3:agree"], ["s:3:disagree"], ["dc:9"]]);
  });

  it("/status: complete, withdraw and the report file, each when it applies", () => {
    expect(
      statusKeyboard(en, 4, { complete: true, withdraw: true, document: false }).map((r) => r[0]!.data),
    ).toEqual(["rs:4", "w:4"]);
    expect(statusKeyboard(en, 4, { complete: false, withdraw: false, document: false })).toEqual([]);
  });
});

describe("notices", () => {
  it("every notice to a learner ends with 📋 Status; a sent-back report also offers to complete it (D6)", () => {
    const n = learnerNotice("en", 12, { kind: "sent_back", reason: "Add dates" });
    expect(n.text).toContain("Case No. 12: the head sent your report back");
    expect(n.text).toContain("Add dates");
    expect(n.buttons!.map((r) => r[0]!.data)).toEqual(["rs:12", "menu:status"]);
    const closed = learnerNotice("en", 12, { kind: "closed" });
    expect(closed.text).toBe("Case No. 12 is closed: all steps are done.");
    expect(closed.buttons).toEqual([[{ text: "📋 Status", data: "menu:status" }]]);
  });

  it("milestones carry their details, formatted for the reader", () => {
    expect(learnerNotice("en", 1, { kind: "submitted", date: "2026-03-16" }).text).toContain("on 16.03.2026");
    expect(learnerNotice("en", 1, { kind: "interview", date: "2026-03-18" }).text).toContain("(18.03.2026)");
    expect(learnerNotice("en", 1, { kind: "amount", amount: "150000" }).text).toContain("150\u00a0000 ₸");
    expect(learnerNotice("en", 1, { kind: "approved", documents: ["order", "submission"] }).text).toContain(
      "prepares: order on expulsion and submission on release from post.",
    );
    const order = { kind: "order" as const, number: "18-ж", date: "2026-03-25" };
    expect(learnerNotice("en", 1, { ...order, referral: true }).text).toContain(
      "No. 18-ж of 25.03.2026. The remaining steps: the NSC Personnel Department is notified, the transcript is issued, a referral to the local military administration body.",
    );
    expect(learnerNotice("en", 1, { ...order, referral: false }).text).toContain("is issued.");
    // The learner's language, not the official's.
    expect(learnerNotice("kk", 1, { kind: "closed" }).text).toBe(tFor("kk")("notice.closed", { id: 1 }));
  });

  it("an opinion goes to the head with the case's button (D4, D6)", () => {
    const o = opinionNotice("en", {
      caseId: 5,
      role: "deputy_personnel",
      name: "Ivanov",
      disagree: true,
      reason: "No",
    });
    expect(o.text).toBe(
      "Case No. 5: opinion of the deputy head for personnel work (Ivanov): disagrees — “No”",
    );
    expect(o.buttons).toEqual([[{ text: "Open No. 5", data: "c:5" }]]);
  });

  it("D14: nobody to act: invite the officials who have not joined, or add one", () => {
    const base = { caseId: 3, stepKey: "decide", role: "head", institutionCode: "AK-1" };
    const invite = noHolderAlert("en", { ...base, waiting: [{ fullName: "Serikov", officialId: 44 }] });
    expect(invite).toContain("• Serikov — /invite 44");
    const add = noHolderAlert("en", { ...base, waiting: [] });
    expect(add).toContain("official add AK-1");
    expect(add).toContain("--roles head");
  });

  it("the draft notice resumes the draft with the menu's report button (issue 14.5)", () => {
    const n = draftExpiringNotice("ru", "2026-03-05");
    expect(n.text).toContain("05.03.2026");
    expect(n.buttons).toEqual([[{ text: tFor("ru")("draft.resume"), data: cb.MENU.report }]]);
  });

  it("D8: the purge stub is Kazakh", () => {
    expect(purgeStub()).toBe(tFor("kk")("purge.stub"));
  });
});

describe("task cards", () => {
  const facts: CardFacts = {
    report: { version: 2, document: "Report text" },
    names: new Map([[7, "Ivanov & Co"]]),
  };

  it("one message: the facts, the report as stored, a button per action and the documents (D4, D12)", () => {
    const ctx = ownWillCase();
    const s = step({ id: 31, key: "endorse", role: "deputy_personnel" });
    const [card, ...more] = taskCard("en", ctx, s, [{ action: "agree" }, { action: "disagree" }], now, facts);
    expect(more).toHaveLength(0);
    expect(card!.text).toContain("<b>Case No. 12</b> · own will (ch. 4)");
    // Roster values are escaped once.
    expect(card!.text).toContain("Nurlanov A. &lt;S&gt;");
    expect(card!.text).toContain("Report (version 2)");
    expect(card!.text).toContain("statutory deadline 24.03.2026 (cl. 20)");
    expect(card!.buttons!.map((r) => r[0]!.data)).toEqual(["s:31:agree", "s:31:disagree", "d:31"]);
  });

  it("the report once per batch; a case with no report shows its reasons", () => {
    const ctx = ownWillCase();
    const s = step({ id: 32, key: "interview", role: "deputy_personnel" });
    const [above] = taskCard("en", ctx, s, [{ action: "interview" }], now, facts, false);
    expect(above!.text).toContain("The report is in the message above.");
    const [reasons] = taskCard("en", ctx, s, [], now, { report: null, names: new Map() });
    expect(reasons!.text).toContain("<b>Reasons:</b> Family &lt;reasons&gt; &amp; more");
  });

  it("D6: the head's card lists the opinions, given and missing; a card too long goes as two", () => {
    const endorse = step({
      id: 1,
      key: "endorse",
      role: "deputy_personnel",
      state: "done",
      doneByOfficialId: 7,
      result: { action: "disagree", reason: "r".repeat(3000) },
    });
    const ctx = ownWillCase({}, [endorse]);
    const decide = step({ id: 2, key: "decide", role: "head" });
    const [card] = taskCard("en", ctx, decide, [{ action: "approve" }], now, {
      ...facts,
      report: { version: 1, document: "short" },
    });
    expect(card!.text).toContain("Opinions for the head:");
    expect(card!.text).toContain("deputy head for personnel work (Ivanov &amp; Co): disagrees");
    const long = taskCard("en", ctx, decide, [{ action: "approve" }], now, {
      ...facts,
      report: { version: 1, document: "x".repeat(3000) },
    });
    expect(long).toHaveLength(2);
    expect(long[0]!.buttons).toBeUndefined();
    expect(long[1]!.text).toContain("The report is in the message above.");
    expect(long[1]!.text).toContain(`${"r".repeat(499)}…`);
  });

  it("a done card: ✅, or ✖ and ↩ for a refusal, a disagreement and a sending back (review 5.2)", () => {
    const d = { caseId: 12, stepKey: "decide", values: { reason: "no" }, name: "Head", at: now };
    expect(stepDoneLine("en", { ...d, action: "approve" })).toMatch(
      /^✅ Case No\. 12: the head's decision — approved \(Head, 20\.03\.2026 09:00\)$/,
    );
    expect(stepDoneLine("en", { ...d, action: "reject" })).toMatch(/^✖ /);
    expect(stepDoneLine("en", { ...d, action: "sendback" })).toMatch(/^↩ /);
    expect(stepCancelledLine("en", 12, "endorse", "decided")).toContain(
      "no longer needed (the head has decided)",
    );
    expect(resultText(en, "interview", { date: "2026-03-18" })).toBe("interview held 18.03.2026");
  });
});

describe("the timeline", () => {
  it("an open case: the steps so far, the ones to come, and what is next", () => {
    const ctx = ownWillCase({}, [step({ id: 1, key: "endorse", role: "deputy_personnel" })]);
    const text = timelineText(en, ctx, now);
    expect(text).toContain("⏳ opinion of the deputy head for personnel work for the head");
    expect(text).toContain("◻️ the head's decision");
    expect(text).toContain("<b>Next:</b> opinion of the deputy head");
    expect(text).not.toContain("Nurlanov");
    expect(timelineText(en, ctx, now, true)).toContain("cadet Nurlanov A. &lt;S&gt;, cadet (listener), G-1");
  });

  it("an ended case shows no road ahead; a purged one says only that", () => {
    const ctx = ownWillCase({ state: "rejected" }, [
      step({ id: 1, key: "endorse", role: "deputy_personnel" }),
    ]);
    const text = timelineText(en, ctx, now);
    expect(text).not.toContain("◻️");
    expect(text).not.toContain("<b>Next:</b>");
    expect(timelineText(en, ownWillCase({ purgedAt: now }), now)).toBe(en("case.purged", { id: 12 }));
  });
});

describe("what an official is told after a press", () => {
  it("a toast is plain and fits 200 characters; the chat gets HTML", () => {
    const r = { status: "already_done" as const, byName: `Ivan & Co ${"x".repeat(300)}`, at: null };
    const toast = actResultText(en, r, "toast");
    expect(toast.length).toBeLessThanOrEqual(200);
    expect(toast).toContain("Ivan & Co");
    expect(actResultText(en, r)).toContain("Ivan &amp; Co");
  });

  it("each outcome has its words", () => {
    expect(actResultText(en, { status: "done", caseId: 3, stepKey: "decide", action: "approve" })).toBe(
      "Recorded: case No. 3, the head's decision.",
    );
    expect(actResultText(en, { status: "done", caseId: 3, stepKey: "decide", action: "sendback" })).toContain(
      "sent back to the learner",
    );
    expect(actResultText(en, { status: "closed", caseId: 3, state: "withdrawn" })).toContain(
      "is no longer open",
    );
    expect(actResultText(en, { status: "not_found" })).toBe(en("act.not_allowed"));
    expect(actResultText(en, { status: "invalid", error: { key: "invalid.date_format" } })).toBe(
      en("invalid.date_format"),
    );
  });
});

describe("due-date changes and breach notices", () => {
  const item = (caseId: number) => ({
    caseId,
    stepKey: "decide",
    institutionId: 1,
    dueKind: "statutory",
    cite: "cl. 20",
    before: "2026-03-23",
    after: "2026-03-24",
  });

  it("a due-date change lists at most MAX_LISTED steps, says how many more, one button per case", () => {
    const items = Array.from({ length: MAX_LISTED + 3 }, (_, i) => item(100 + i));
    const m = dueChangeMessage("en", items, now, () => calendar);
    expect(m.text).toContain("was 23.03.2026 → now statutory deadline 24.03.2026");
    expect(m.text).toContain("…and 3 more (/inbox)");
    expect(m.caseIds).toHaveLength(MAX_LISTED);
    expect(m.buttons!.flat()).toHaveLength(MAX_LISTED);
    expect(dueChangeMessage("en", [item(5), item(5)], now, () => calendar).caseIds).toEqual([5]);
  });

  it("holders' names fit their budget, the first always shown, then +N (issue 12.4)", () => {
    expect(holderNames([])).toBe("—");
    expect(holderNames(["A", "A", "B"])).toBe("A, B");
    const long = Array.from({ length: 10 }, (_, i) => `${"N".repeat(40)}${i}`);
    expect(holderNames(long)).toMatch(/, \+7$/);
    expect(holderNames(["x".repeat(400)])).toBe("x".repeat(400));
  });

  it("one breach in full; several as one list with each case's button; escalations name the holders", () => {
    const b = (caseId: number) => ({
      caseId,
      institutionId: 1,
      key: "decide",
      role: "head",
      dueOn: "2026-03-18",
      dueKind: "statutory",
      cite: "cl. 20",
      names: ["Serikov"],
    });
    const opts = { now, calendarOf: () => calendar, botUsername: null };
    const [one] = breachMessages("en", [b(1)], false, opts);
    expect(one!.text).toContain("Statutory deadline missed");
    expect(one!.caseIds).toEqual([1]);
    const [many] = breachMessages("en", [b(1), b(2), b(2)], true, opts);
    expect(many!.text).toContain("Escalation: statutory deadlines missed: 3");
    expect(many!.text).toContain("head of the institution (Serikov)");
    expect(many!.caseIds).toEqual([1, 2]);
    expect(many!.buttons!.flat().map((x) => x.data)).toEqual(["c:1", "c:2"]);
  });
});

describe("the report's Russian agreement (issue 14.6)", () => {
  it("follows the roster's sex column, and is neutral when it is unknown", () => {
    expect(sexContext("M")).toBe("male");
    expect(sexContext("F")).toBe("female");
    expect(sexContext("")).toBeUndefined();
    expect(sexContext(null)).toBeUndefined();
  });
});
