/**
 * Issue 16: each ground an official opens (ch. 2, ch. 3, cl. 2), through the bot in Kazakh and in Russian,
 * from /open to a closed case: the questions, the preview (the filing as stored), the learner's notices
 * and every task card in the reader's language; every step done with its own button.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseSteps, cases } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { type OfficialOpenedGround, REQUIRED_ATTACHMENTS, type StepKey } from "../../src/rules";
import { at } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { confirmButton } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";

type Lang = "kk" | "ru";
const DAY = "01.04.2026";

async function cast(h: Harness, lang: Lang) {
  const inst = await addInstitution(h.db);
  const add = (role: Parameters<typeof addOfficial>[2][number], name: string) =>
    addOfficial(h.db, inst.id, [role], name, lang);
  return {
    inst,
    head: await add("head", "Head H.H."),
    deputy_personnel: await add("deputy_personnel", "Deputy D.D."),
    deputy_academic: await add("deputy_academic", "Academic A.A."),
    deputy_upbringing: await add("deputy_upbringing", "Upbringing U.U."),
    academic_methods_head: await add("academic_methods_head", "Methods M.M."),
    unit_head: await add("unit_head", "Unit U.U."),
    personnel_officer: await add("personnel_officer", "Personnel P.P."),
  };
}
type Cast = Awaited<ReturnType<typeof cast>>;

/** What the ground's questions are answered with (in the order the form asks them). */
const FIELDS: Record<OfficialOpenedGround, string[]> = {
  academic_failure: [DAY, "Жоғары математика / Высшая математика: не сдано"],
  negative_reasons: ["Қызметтік тергеп-тексеру: тәртіпті өрескел бұзу / грубое нарушение дисциплины"],
  foreign_org: ["Академия ФСБ России", DAY, "Приказ № 45 от 20.03.2026"],
};
const OPENER = {
  academic_failure: "academic_methods_head",
  negative_reasons: "unit_head",
  foreign_org: "personnel_officer",
} as const;

/** A step's button pressed by its role's holder, with the answers its action asks, confirmed if one-tap. */
async function doStep(h: Harness, c: Cast, stepId: number, key: StepKey, role: keyof Cast) {
  const tg = (c[role] as { tg: TgUser }).tg;
  const answers: Partial<Record<StepKey, [string, string[]]>> = {
    interview: ["interview", [DAY]],
    order: ["order", ["45-ж", DAY]],
    foreign_order: ["order", ["45-ж", DAY]],
    submission: ["submission", ["12/3", DAY]],
    foreign_submission: ["submission", ["12/3", DAY]],
    notify_personnel_dept: ["letter", ["7-3/1", DAY]],
    cost_calculation: ["amount", ["1 250 000"]],
  };
  const oneTap: Partial<Record<StepKey, string>> = {
    agree_academic: "agree",
    agree_upbringing: "agree",
    decide: "approve",
  };
  const [action, typed] = answers[key] ?? [oneTap[key] ?? "done", []];
  await h.press(tg, `s:${stepId}:${action}`);
  if (typed.length === 0) {
    await h.press(tg, confirmButton(h, tg)!);
    return;
  }
  for (const t of typed) await h.text(tg, t);
  // D11: personnel confirms the conscript answer with the order (ch. 2, 3, cl. 2).
  if (h.buttonsTo(tg.id).includes("si:no")) await h.press(tg, "si:no");
}

describe("the grounds officials open, in Kazakh and in Russian (issue 16)", () => {
  const hr = useHarness();

  for (const lang of ["kk", "ru"] as const)
    for (const ground of ["academic_failure", "negative_reasons", "foreign_org"] as const)
      it(`${ground} in ${lang}: /open to a closed case, every text in ${lang}`, async () => {
        const h = hr.current;
        const t = tFor(lang);
        const c = await cast(h, lang);
        const { student, tg: learner } = await addStudent(h.db, c.inst.id, { personalNumber: "N-1", lang });
        at(h, "2026-04-01 10:00");
        const opener = c[OPENER[ground]].tg;

        await h.command(opener, "open");
        expect(h.tg.lastTextTo(opener.id)).toContain(
          t("open.ask_learner", { ground: t(`ground.${ground}`) }),
        );
        await h.text(opener, "N-1");
        await h.press(opener, `o:l:${student.id}`);
        for (const answer of FIELDS[ground]) await h.text(opener, answer);
        for (const kind of REQUIRED_ATTACHMENTS[ground]!.kinds) {
          expect(h.buttonsTo(opener.id)).toEqual([`o:p:${kind}`, `o:d:${kind}`]);
          await h.press(opener, `o:p:${kind}`);
          await h.text(opener, "2");
          await h.press(opener, `o:d:${kind}`);
        }
        // The official's interface language is the document's: no question; the preview is the filing.
        const preview = h.tg.lastTextTo(opener.id);
        expect(preview).toContain(t(`filing.title_${ground}`));
        expect(preview).toContain(t(`attachment.${REQUIRED_ATTACHMENTS[ground]!.kinds[0]}`));
        await h.press(opener, "o:submit");
        const [row] = await h.db.select().from(cases);
        expect(row).toMatchObject({ ground, reportLang: lang, state: "open" });
        const id = row!.id;
        expect(h.tg.lastTextTo(opener.id)).toContain(
          t("open.opened", { id, ground: t(`ground.${ground}`), date: DAY, next: "" }).split("\n")[0],
        );
        await h.flush();
        expect(h.tg.lastTextTo(learner.id)).toBe(t("notice.opened", { id, ground: t(`ground.${ground}`) }));

        // Every step to the end with its own button; each card reached its holder in his language.
        for (let round = 0; round < 10; round++) {
          const pending = await h.db
            .select()
            .from(caseSteps)
            .where(and(eq(caseSteps.caseId, id), eq(caseSteps.state, "pending")));
          if (pending.length === 0) break;
          for (const s of pending) {
            const holder = (c[s.role as keyof Cast] as { tg: TgUser }).tg;
            const card = h.tg.textsTo(holder.id).find((x) => x.includes(t(`step.${s.key}`)));
            expect(card, `${s.key} card in ${lang}`).toBeDefined();
            await doStep(h, c, s.id, s.key, s.role as keyof Cast);
          }
          await h.flush();
        }
        const [closed] = await h.db.select().from(cases).where(eq(cases.id, id));
        expect(closed?.state).toBe("closed");
        expect(h.tg.lastTextTo(learner.id)).toBe(t("notice.closed", { id }));
      });
});
