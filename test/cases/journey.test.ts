import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseSteps, cases } from "../../src/db/schema";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { fileReport, stepButton, tap } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";

/** D13: a product decision is never shown to a user as a code (D1–D15). */
const DECISION_CODE = /\bD\d{1,2}\b/;

/**
 * Everything a chat received: message texts (sent or edited), the texts of their buttons, callback answers
 * and document captions.
 */
function everythingTo(h: Harness, chatId: number): string[] {
  const out: string[] = [];
  for (const c of h.tg.calls) {
    const p = c.payload as Record<string, unknown>;
    const toChat = Number(p.chat_id) === chatId;
    if ((c.method === "sendMessage" || c.method === "editMessageText") && toChat) out.push(String(p.text));
    if (c.method === "sendDocument" && toChat && p.caption) out.push(String(p.caption));
    if (toChat) {
      const kb = (p.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard;
      for (const b of kb?.flat() ?? []) out.push(b.text);
    }
  }
  return out;
}

/** Every callback answer (a popup or toast) the bot gave in the run. */
const callbackAnswers = (h: Harness) =>
  h.tg.sent("answerCallbackQuery").flatMap((p) => (p.text ? [String(p.text)] : []));

const WORDS = {
  kk: {
    caseNo: (id: number) => `№ ${id} іс`,
    clause20: "20-тармақ",
    closed: "жабылды",
    dissent: undefined,
  },
  ru: {
    caseNo: (id: number) => `Дело № ${id}`,
    clause20: "п. 20",
    closed: "закрыто",
    dissent: "Считаю причины недостаточными: курсант успевает, взысканий нет.",
  },
} as const;

describe("own-will report, cadet: from submission to a closed case", () => {
  const hr = useHarness();

  it("walks every role and closes the case", async () => {
    const h = hr.current;

    /** One institution whose learner and officials all read `lang`; the learner files in `lang` too. */
    async function walk(lang: "kk" | "ru", code: string) {
      const w = WORDS[lang];
      const inst = await addInstitution(h.db, code);
      const staff = {
        head: await addOfficial(h.db, inst.id, ["head"], `Head ${code}`, lang),
        deputy: await addOfficial(h.db, inst.id, ["deputy_personnel"], `Deputy ${code}`, lang),
        personnel: await addOfficial(h.db, inst.id, ["personnel_officer"], `Personnel ${code}`, lang),
      };
      const { tg: student, student: row } = await addStudent(h.db, inst.id, {
        lang,
        personalNumber: `PN-${code}`,
      });
      const people = [student, staff.head.tg, staff.deputy.tg, staff.personnel.tg];

      await fileReport(h, student, "own_will", lang);
      const [c] = await h.db.select().from(cases).where(eq(cases.studentId, row.id));
      const id = c!.id;
      expect(h.tg.lastTextTo(student.id)).toContain(`№ ${id}`);
      expect(c).toMatchObject({ state: "open", reportLang: lang });
      expect(c?.rulesEdition).toContain("88/қе");
      const stepsOf = () =>
        h.db.select().from(caseSteps).where(eq(caseSteps.caseId, id)).orderBy(caseSteps.id);
      const stateOf = async () => (await stepsOf()).map((s) => [s.key, s.state]);

      // At registration, at once (D4): the deputy head for personnel gets the whole report for an opinion
      // and the cl. 4 interview; the head gets the cl. 20 instruction, statutory 2 WD from registration.
      await h.flush();
      expect(await stateOf()).toEqual([
        ["endorse", "pending"],
        ["interview", "pending"],
        ["instruct", "pending"],
      ]);
      expect(h.tg.textsTo(staff.deputy.tg.id).join("\n")).toContain(w.caseNo(id));
      expect(h.tg.lastTextTo(staff.head.tg.id)).toContain(w.clause20);

      // The deputy: an opinion (in Russian a dissent with its reason: advisory, it ends nothing) ...
      if (w.dissent) {
        await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "disagree"));
        await h.text(staff.deputy.tg, w.dissent);
        await h.flush();
        expect(h.tg.lastTextTo(staff.head.tg.id)).toContain(w.dissent);
      } else {
        await tap(h, staff.deputy.tg, stepButton(h, staff.deputy.tg, "agree"));
      }
      // ... and the cl. 4–5 interview (mandatory on own will, D5).
      await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "interview"));
      await h.text(staff.deputy.tg, "20.03.2026");
      await h.flush();
      // Nothing for the head to decide yet: the cl. 20 conversation comes first (D6).
      expect((await stepsOf()).some((s) => s.key === "decide")).toBe(false);

      // The head instructs; personnel holds the conversation and confirms the conscript answer (D11).
      await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
      await h.flush();
      expect(h.tg.lastTextTo(staff.personnel.tg.id)).toContain(w.clause20);
      await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "record"));
      await h.text(staff.personnel.tg, lang === "kk" ? "Фактілер расталды." : "Факты подтверждены в беседе.");
      await h.press(staff.personnel.tg, "si:no");
      await h.flush();
      expect(await stateOf()).toEqual([
        ["endorse", "done"],
        ["interview", "done"],
        ["instruct", "done"],
        ["conversation", "done"],
        ["decide", "pending"],
      ]);

      // The head decides: own will, so approve, reject or send back.
      const decisionButtons = h.buttonsTo(staff.head.tg.id).filter((b) => b.startsWith("s:"));
      expect(decisionButtons.map((b) => b.split(":")[2])).toEqual(["approve", "reject", "sendback"]);
      await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "approve"));
      await h.flush();
      expect((await h.db.select().from(cases).where(eq(cases.id, id)))[0]?.state).toBe("approved");

      // Personnel: the order (cl. 21, statutory 2 WD from the decision); the conscript answer is confirmed
      // already, so only the number and the date are asked.
      const [order] = await h.db
        .select()
        .from(caseSteps)
        .where(and(eq(caseSteps.caseId, id), eq(caseSteps.key, "order")));
      expect(order).toMatchObject({ dueKind: "statutory", dueOn: "2026-03-27" });
      await h.press(staff.personnel.tg, stepButton(h, staff.personnel.tg, "order"));
      await h.text(staff.personnel.tg, "123-к");
      await h.text(staff.personnel.tg, "20.03.2026");
      await h.flush();
      const steps = await stepsOf();
      const post = steps
        .filter((s) => s.state === "pending")
        .map((s) => s.key)
        .sort();
      expect(post).toEqual(["cost_calculation", "military_referral", "notify_personnel_dept", "transcript"]);
      const notify = steps.find((s) => s.key === "notify_personnel_dept");
      expect(notify?.dueKind).toBe("statutory");
      // cl. 7: 5 working days from the order date, Fri 20.03.2026 → 23–25 March are days off → 26, 27, 30, 31 March, 1 April.
      expect(notify?.dueOn).toBe("2026-04-01");

      // After the order (D11): the letter's number and date, the calculation's amount, the rest done.
      for (const s of steps.filter((x) => x.state === "pending")) {
        if (s.key === "notify_personnel_dept") {
          await h.press(staff.personnel.tg, `s:${s.id}:letter`);
          await h.text(staff.personnel.tg, "12-3/456");
          await h.text(staff.personnel.tg, "20.03.2026");
        } else if (s.key === "cost_calculation") {
          await h.press(staff.personnel.tg, `s:${s.id}:amount`);
          await h.text(staff.personnel.tg, "1 250 000");
        } else {
          await tap(h, staff.personnel.tg, `s:${s.id}:done`);
        }
      }
      const [closed] = await h.db.select().from(cases).where(eq(cases.id, id));
      expect(closed).toMatchObject({ state: "closed", orderNumber: "123-к", orderDate: "2026-03-20" });
      const done = await stepsOf();
      expect(done.every((s) => s.state === "done")).toBe(true);
      expect(done.find((s) => s.key === "notify_personnel_dept")?.result).toMatchObject({
        action: "letter",
        number: "12-3/456",
        date: "2026-03-20",
      });
      expect(done.find((s) => s.key === "cost_calculation")?.result).toMatchObject({ amount: "1250000" });
      await h.flush();
      expect(h.tg.lastTextTo(student.id)).toContain(w.closed);

      // D13: citations in the reader's language: the learner (told of the instruction), the head (the
      // instruction) and personnel (the conversation) read cl. 20 as their language writes it, never another's.
      const other = lang === "kk" ? WORDS.ru.clause20 : WORDS.kk.clause20;
      for (const who of [student, staff.head.tg, staff.personnel.tg]) {
        const all = everythingTo(h, who.id).join("\n");
        expect(all).toContain(w.clause20);
        expect(all).not.toContain(other);
        expect(all).not.toContain("cl. 20");
      }
      return people;
    }

    const kk = await walk("kk", "AKAD");
    const ru = await walk("ru", "ACAD");

    // D13: no message any user received in the whole journey shows a decision code.
    for (const who of [...kk, ...ru]) {
      const all = everythingTo(h, who.id);
      expect(all.length).toBeGreaterThan(0);
      for (const text of all) expect(text).not.toMatch(DECISION_CODE);
    }
    for (const text of callbackAnswers(h)) expect(text).not.toMatch(DECISION_CODE);
  });
});
