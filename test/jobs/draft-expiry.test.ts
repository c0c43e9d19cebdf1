/**
 * Issue 14.5: a report draft idle for 14 days is dropped, and the learner is told the day before, once, in
 * their language, with a button that resumes it. The clock is the harness's (injected into the bot's
 * conversation storage and the jobs alike).
 */
import { eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversationState, institutions, students } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { DRAFT_NOTICE_PREFIX, isReportDraft } from "../../src/jobs/drafts";
import { runTick } from "../../src/jobs/runner";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { fileReport } from "../support/flows";
import type { Harness } from "../support/harness";
import { useHarness } from "../support/harness";
import { at, buttonsOf, jobDeps, sentTo, tick } from "./helpers";

const kk = tFor("kk");
const ru = tFor("ru");

/** The draft notices a chat got. */
const noticesTo = (h: Harness, chatId: number, lang: "kk" | "ru") => {
  const head = tFor(lang)("draft.expiring", { date: "@" }).split("@")[0]!;
  return sentTo(h, chatId).filter((m) => m.text.startsWith(head));
};

const stateOf = async (h: Harness, key: string) =>
  (await h.db.select().from(conversationState).where(eq(conversationState.key, key)))[0];

const markers = async (h: Harness) =>
  h.db
    .select()
    .from(conversationState)
    .where(like(conversationState.key, `${DRAFT_NOTICE_PREFIX}%`));

describe("report drafts about to be dropped (issue 14.5)", () => {
  const hr = useHarness({ now: "2026-03-02T10:00:00Z" });

  /** A learner who answered the first question of a report on 02.03.2026 at 15:00 and left. */
  async function idleDraft(h: Harness, lang: "kk" | "ru" = "kk") {
    const inst = await addInstitution(h.db);
    const learner = await addStudent(h.db, inst.id, { lang });
    at(h, "2026-03-02 15:00");
    await h.command(learner.tg, "report");
    await h.press(learner.tg, "r:g:own_will");
    const question = h.tg.lastTextTo(learner.tg.id);
    expect(isReportDraft((await stateOf(h, String(learner.tg.id)))!.value)).toBe(true);
    return { inst, learner, question };
  }

  it("kk: told once on the 14th day from the reminder hour; the button resumes; dropped the night after", async () => {
    const h = hr.current;
    const { learner, question } = await idleDraft(h, "kk");
    const chat = learner.tg.id;

    // Thirteen days on, and the 14th day before the reminder hour: nothing yet.
    at(h, "2026-03-15 23:00");
    await tick(h, { purge: true });
    at(h, "2026-03-16 08:59");
    await tick(h);
    expect(noticesTo(h, chat, "kk")).toHaveLength(0);

    at(h, "2026-03-16 09:00");
    const r = await tick(h);
    expect(r.draftNotices).toEqual({ sent: 1, silent: 0 });
    const [notice] = noticesTo(h, chat, "kk");
    expect(notice!.text).toBe(kk("draft.expiring", { date: "02.03.2026" }));
    expect(notice!.text).toContain("Ертең");
    expect(notice!.text).toContain("/report");
    expect(buttonsOf(notice!)).toEqual(["menu:report"]);

    // Later ticks, a restart, two runners at once: no second notice.
    at(h, "2026-03-16 09:30");
    await tick(h);
    h.rebuild();
    await Promise.all([runTick(jobDeps(h)), runTick(jobDeps(h))]);
    await h.flush();
    expect(noticesTo(h, chat, "kk")).toHaveLength(1);

    // The night after: dropped, with its marker.
    at(h, "2026-03-17 00:00");
    const purge = await tick(h, { purge: true });
    expect(purge.conversationsPruned).toBe(1);
    expect(await stateOf(h, String(chat))).toBeUndefined();
    expect(await markers(h)).toEqual([]);
    // /report now starts afresh (the ground question), not where the learner stopped.
    await h.press(learner.tg, "menu:report");
    expect(h.tg.lastTextTo(chat)).not.toBe(question);
  });

  it("kk: the notice's button resumes the draft where it stopped; a new idle spell is told again", async () => {
    const h = hr.current;
    const { learner, question } = await idleDraft(h, "kk");
    const chat = learner.tg.id;
    at(h, "2026-03-16 10:00");
    await tick(h);
    expect(noticesTo(h, chat, "kk")).toHaveLength(1);

    await h.press(learner.tg, "menu:report");
    expect(h.tg.lastTextTo(chat)).toBe(question); // the same question, answers so far kept

    at(h, "2026-03-17 00:00");
    expect((await tick(h, { purge: true })).conversationsPruned).toBe(0);
    expect(await stateOf(h, String(chat))).toBeDefined();
    // Idle again from 16.03 10:00: told again on 30.03, with the new date.
    at(h, "2026-03-29 12:00");
    await tick(h);
    expect(noticesTo(h, chat, "kk")).toHaveLength(1);
    at(h, "2026-03-30 09:00");
    await tick(h);
    const notices = noticesTo(h, chat, "kk");
    expect(notices).toHaveLength(2);
    expect(notices[1]!.text).toBe(kk("draft.expiring", { date: "16.03.2026" }));
  });

  it("ru: a kept draft (/cancel → keep) is announced in Russian, at the institution's reminder hour, and resumed", async () => {
    const h = hr.current;
    const { inst, learner } = await idleDraft(h, "ru");
    await h.db.update(institutions).set({ reminderHour: 11 }).where(eq(institutions.id, inst.id));
    const chat = learner.tg.id;
    await h.command(learner.tg, "cancel");
    await h.press(learner.tg, "r:keep");
    expect(h.tg.lastTextTo(chat)).toBe(ru("report.kept"));

    at(h, "2026-03-16 10:59");
    await tick(h);
    expect(noticesTo(h, chat, "ru")).toHaveLength(0);
    at(h, "2026-03-16 11:00");
    await tick(h);
    const [notice] = noticesTo(h, chat, "ru");
    expect(notice!.text).toBe(ru("draft.expiring", { date: "02.03.2026" }));
    expect(notice!.text).toContain("Завтра черновик будет удалён");
    const markup = notice!.reply_markup as { inline_keyboard: { text: string }[][] };
    expect(markup.inline_keyboard[0]![0]!.text).toBe(ru("draft.resume"));

    await h.press(learner.tg, "menu:report");
    expect(h.tg.textsTo(chat)).toContain(ru("report.resumed"));
  });

  it("jobs down on the notice day: told late, and the draft is kept until the next day", async () => {
    const h = hr.current;
    const { learner } = await idleDraft(h, "kk");
    const chat = learner.tg.id;
    // First tick since long before: 16 days idle, the purge runs at once.
    at(h, "2026-03-18 12:00");
    const r = await tick(h, { purge: true });
    expect(r.conversationsPruned).toBe(0);
    expect(noticesTo(h, chat, "kk")).toHaveLength(1);
    expect(await stateOf(h, String(chat))).toBeDefined();
    at(h, "2026-03-18 23:59");
    expect((await tick(h, { purge: true })).conversationsPruned).toBe(0);
    at(h, "2026-03-19 00:00");
    expect((await tick(h, { purge: true })).conversationsPruned).toBe(1);
    expect(await stateOf(h, String(chat))).toBeUndefined();
    expect(noticesTo(h, chat, "kk")).toHaveLength(1);
  });

  it("no notice for an official's half-typed answer, nor for a learner who left the roster; both are dropped", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const deputy = await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", "kk");
    const learner = await addStudent(h.db, inst.id, { name: "Нұрғалиев Әбілқайыр" });
    at(h, "2026-03-02 10:00");
    await fileReport(h, learner.tg, "own_will");
    await h.flush();
    // The deputy starts the interview date question and leaves it.
    const interview = h.tg
      .sent("sendMessage", deputy.tg.id)
      .flatMap((m) => buttonsOf(m))
      .find((d) => d.endsWith(":interview"));
    await h.press(deputy.tg, interview!);
    expect(await stateOf(h, String(deputy.tg.id))).toBeDefined();
    // A second learner's draft, then the learner leaves the roster.
    const gone = await addStudent(h.db, inst.id);
    await h.command(gone.tg, "report");
    await h.db.update(students).set({ active: false }).where(eq(students.id, gone.student.id));
    h.tg.clear();

    at(h, "2026-03-16 09:00");
    const r = await tick(h);
    expect(r.draftNotices).toEqual({ sent: 0, silent: 1 }); // the learner's draft is marked, not told
    expect(noticesTo(h, deputy.tg.id, "kk")).toEqual([]); // (the deputy's digest came)
    expect(sentTo(h, gone.tg.id)).toEqual([]);
    at(h, "2026-03-17 00:00");
    expect((await tick(h, { purge: true })).conversationsPruned).toBe(2);
    for (const tg of [deputy.tg, gone.tg]) expect(await stateOf(h, String(tg.id))).toBeUndefined();
    expect(await markers(h)).toEqual([]);
  });
});
