/**
 * Issue 14.10: in the daily digests and the breach notices every case line links to the case in the bot
 * (t.me/<bot>?start=case_<id>, which /start checks against the viewer's rights). The jobs learn the bot's
 * username from the bot, or from getMe at start; without it they send without links, never fail. Within
 * Telegram's 4,096 characters.
 */
import { describe, expect, it } from "vitest";
import { tFor } from "../../src/i18n";
import type { DigestGroups, DigestStep } from "../../src/jobs/digest";
import { runTick, startJobs, type TickResult } from "../../src/jobs/runner";
import { createLogger } from "../../src/logger";
import { caseLink } from "../../src/messages/callbacks";
import { renderDigest } from "../../src/messages/digest";
import { splitHtml, TELEGRAM_TEXT_LIMIT, textLength } from "../../src/messages/fit";
import { DEFAULT_CALENDAR, type LocalDate, type Role, type StepKey } from "../../src/rules";
import { addInstitution, addOfficial } from "../support/fixtures";
import { type Harness, useHarness } from "../support/harness";
import { BOT_INFO } from "../support/telegram";
import { parseTelegramHtml } from "../support/telegram-limits";
import {
  at,
  breachesTo,
  digestsTo,
  escalationsTo,
  fileCase,
  interviewAndApprove,
  jobDeps,
  staff,
} from "./helpers";

const BOT = BOT_INFO.username;
const kk = tFor("kk");
const ru = tFor("ru");

/** The linked case reference as a notice shows it. */
const linked = (t: typeof kk, id: number, bot = BOT) =>
  `<a href="${caseLink(bot, id)}">${t("links.case", { id })}</a>`;

/** Case ids of the links in a text, in order. */
const linkedIds = (text: string) => [...text.matchAll(/\?start=case_(\d+)"/g)].map((m) => Number(m[1]));

function shown(html: string): string {
  const p = parseTelegramHtml(html);
  if ("error" in p) throw new Error(`${p.error}\n${html}`);
  return p.text;
}

/** A tick with the bot's username (or without), then the outbox delivered. */
async function tickAs(h: Harness, botUsername: string | null): Promise<TickResult> {
  const r = await runTick({ ...jobDeps(h), botUsername });
  expect(r.errors).toEqual([]);
  await h.flush();
  return r;
}

describe("links to cases in digests and breach notices (issue 14.10)", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" });

  for (const [lang, t] of [
    ["kk", kk],
    ["ru", ru],
  ] as const) {
    it(`${lang}: every case line of a digest links to its case; none when the username is unknown`, async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      const s = await staff(h, inst.id, lang);
      at(h, "2026-03-16 10:00");
      const a = await fileCase(h, inst.id);
      const b = await fileCase(h, inst.id);
      await h.flush();

      at(h, "2026-03-17 09:00");
      await tickAs(h, BOT);
      const [d] = digestsTo(h, s.deputy.tg.id);
      // The deputy's opinion and interview on each case: four lines, each with its case's link.
      expect(linkedIds(d!.text)).toEqual([a, a, b, b]);
      expect(d!.text).toContain(`• ${linked(t, a)} · `);
      expect(d!.text).toContain(`• ${linked(t, b)} · `);
      expect(shown(d!.text)).toContain(t("links.case", { id: a }));
      // The head's own step (cl. 20) too.
      expect(linkedIds(digestsTo(h, s.head.tg.id)[0]!.text)).toEqual([a, b]);

      at(h, "2026-03-18 09:00");
      await tickAs(h, null);
      const next = digestsTo(h, s.deputy.tg.id)[1]!;
      expect(next.text).not.toContain("<a ");
      expect(next.text).toContain(`• ${t("links.case", { id: a })} · `);
    });
  }

  it("ru and kk: breach notices and escalations link each case, single and listed; none without the username", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = {
      head: await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", "kk"),
      deputy: await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", "kk"),
      personnel: await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", "ru"),
    };
    at(h, "2026-03-02 10:00");
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await fileCase(h, inst.id, "contract_refusal");
      await interviewAndApprove(h, s, id); // the cl. 26 order, statutory, due 05.03
      ids.push(id);
    }
    await h.flush();
    h.tg.clear();

    at(h, "2026-03-06 09:00");
    await tickAs(h, BOT);
    // The holder (ru): one list of three, each line linked.
    const [own] = breachesTo(h, s.personnel.tg.id);
    expect(linkedIds(own!.text)).toEqual(ids);
    for (const id of ids) expect(own!.text).toContain(`• ${linked(ru, id)} · `);
    // The escalations (kk): the same.
    for (const who of [s.head, s.deputy]) {
      const [e] = escalationsTo(h, who.tg.id);
      expect(linkedIds(e!.text)).toEqual(ids);
      expect(e!.text).toContain(`• ${linked(kk, ids[0]!)} · `);
    }

    // One more overdue order, a day later, notified without the username: the single notice, no link.
    at(h, "2026-03-03 10:00");
    const late = await fileCase(h, inst.id, "contract_refusal");
    await interviewAndApprove(h, s, late); // due 06.03
    await h.flush();
    at(h, "2026-03-10 09:00"); // Mon 09.03 is a day off (8 March moved): no notices then
    await tickAs(h, null);
    const single = breachesTo(h, s.personnel.tg.id).at(-1)!;
    expect(single.text).toContain(`\n${ru("links.case", { id: late })} · `);
    expect(single.text).not.toContain("<a ");
  });

  it("a single breach notice links its case", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id, "ru");
    at(h, "2026-03-02 10:00");
    const id = await fileCase(h, inst.id, "contract_refusal");
    await interviewAndApprove(h, s, id);
    await h.flush();
    at(h, "2026-03-06 09:00");
    await tickAs(h, BOT);
    const [own] = breachesTo(h, s.personnel.tg.id);
    expect(own!.text).toContain(`\n${linked(ru, id)} · `);
    expect(escalationsTo(h, s.head.tg.id)[0]!.text).toContain(`\n${linked(ru, id)} · `);
  });

  it("startJobs asks getMe once and links; when getMe fails the digests go without links", async () => {
    const runnerDeps = (h: Harness) => ({
      db: h.db,
      api: h.api,
      clock: h.clock,
      log: createLogger("silent"),
      adminTelegramIds: [],
    });
    const opts = { tickMs: 10_000, dispatcher: { sleep: async () => {}, ratePerSecond: 1e6, idleMs: 5 } };
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id, "kk");
    at(h, "2026-03-16 10:00");
    const id = await fileCase(h, inst.id);
    await h.flush();

    at(h, "2026-03-17 09:00");
    let ticks: TickResult[] = [];
    let stop = startJobs(runnerDeps(h), { ...opts, onTick: (r) => ticks.push(r) });
    await until(() => ticks.length >= 1 && digestsTo(h, s.deputy.tg.id).length === 1);
    await stop();
    expect(h.tg.calls.filter((c) => c.method === "getMe")).toHaveLength(1);
    expect(linkedIds(digestsTo(h, s.deputy.tg.id)[0]!.text)).toEqual([id, id]);

    // The next day Telegram does not answer getMe: the digest goes, plain.
    at(h, "2026-03-18 09:00");
    h.tg.failNext(1, { kind: "network" }, "getMe");
    ticks = [];
    stop = startJobs(runnerDeps(h), { ...opts, onTick: (r) => ticks.push(r) });
    await until(() => ticks.length >= 1 && digestsTo(h, s.deputy.tg.id).length === 2);
    await stop();
    expect(ticks[0]!.errors).toEqual([]);
    expect(h.tg.calls.filter((c) => c.method === "!getMe")).toHaveLength(1);
    const plain = digestsTo(h, s.deputy.tg.id)[1]!;
    expect(plain.text).not.toContain("<a ");
    expect(plain.text).toContain(kk("links.case", { id }));

    // A username given by the bot: no getMe at all.
    at(h, "2026-03-19 09:00");
    h.tg.clear();
    ticks = [];
    stop = startJobs(
      { ...runnerDeps(h), botUsername: "another_bot" },
      { ...opts, onTick: (r) => ticks.push(r) },
    );
    await until(() => ticks.length >= 1 && digestsTo(h, s.deputy.tg.id).length === 1);
    await stop();
    expect(h.tg.calls.some((c) => c.method.endsWith("getMe"))).toBe(false);
    expect(digestsTo(h, s.deputy.tg.id)[0]!.text).toContain(linked(kk, id, "another_bot"));
  });
});

describe("a digest with links at its worst size", () => {
  const today = "2026-03-20" as LocalDate;
  const now = new Date("2026-03-20T05:00:00Z");
  const steps = (key: StepKey, role: Role, from: number): DigestStep[] =>
    Array.from({ length: 200 }, (_, i) => ({
      id: from + i,
      caseId: 100_000_000 + from + i,
      institutionId: 1,
      key,
      role,
      dueOn: "2026-01-05" as LocalDate,
      dueKind: "statutory",
      cite: "cl. 21; cl. 22; D3",
    }));
  const worst: DigestGroups = {
    noHolder: steps("submission", "deputy_upbringing", 1),
    overdue: steps("submission", "personnel_officer", 1001),
    today: steps("interview", "deputy_personnel", 2001),
    soon: steps("endorse", "deputy_personnel", 3001),
    escalations: steps("military_referral", "deputy_upbringing", 4001),
  };
  const longest = "b".repeat(32); // Telegram's longest username

  for (const lang of ["kk", "ru", "en"]) {
    it(`${lang}: fits in one message as Telegram counts it; every listed case is linked`, () => {
      const plain = renderDigest(lang, worst, today, now, DEFAULT_CALENDAR, new Map(), "AKADEMIYA-01");
      const d = renderDigest(lang, worst, today, now, DEFAULT_CALENDAR, new Map(), "AKADEMIYA-01", longest);
      expect(textLength(d.text)).toBeLessThanOrEqual(3800);
      expect(shown(d.text).length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(splitHtml(d.text)).toEqual([d.text]); // the outbox sends it as one message
      const ids = linkedIds(d.text);
      expect(ids.length).toBeGreaterThan(5);
      // The links take no room from the items: as many listed as without them.
      expect(ids.length).toBe((plain.text.match(/№ \d+|No\. \d+/g) ?? []).length);
      expect(d.buttons!.flat().map((b) => Number(b.data.slice(2)))).toEqual([...new Set(ids)]);
    });
  }

  it("an unusable username is never put into a link", () => {
    const d = renderDigest("en", worst, today, now, DEFAULT_CALENDAR, new Map(), "X", 'evil"><b>');
    expect(d.text).not.toContain("<a ");
    expect(d.text).not.toContain("evil");
  });
});

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
