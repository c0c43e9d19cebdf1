/**
 * Issue 12.4: every message the bot builds fits Telegram (4,096 characters after entities parsing, 200 for
 * a toast), each kind at its worst size. The fake Bot API refuses what Telegram refuses (400, "message is
 * too long", HTML that does not parse: test/support/telegram-limits.ts), so a message that did not fit shows
 * here as a refused call, an outbox row failed for good, or the error reply of an update that failed.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit";
import { enqueue } from "../../src/cases/outbox";
import { auditEvents, cases, institutions, officials, outbox, students } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { at, escalationsTo, fileCase, interviewAndApprove, staff, tick } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { stepButton, tap } from "../support/flows";
import { type Harness, newUser, useHarness } from "../support/harness";
import { parseTelegramHtml } from "../support/telegram-limits";

const kk = tFor("kk");

/** What Telegram shows of an HTML text (the test fails if it does not parse). */
function shown(html: string): string {
  const p = parseTelegramHtml(html);
  if ("error" in p) throw new Error(p.error);
  return p.text;
}

/** Nothing the bot sent was refused, and no outbox row failed. */
async function nothingRefused(h: Harness) {
  expect(h.tg.calls.filter((c) => c.method.startsWith("!")).map((c) => c.method)).toEqual([]);
  const rows = await h.db.select({ state: outbox.state, error: outbox.lastError }).from(outbox);
  expect(rows.filter((r) => r.state === "failed")).toEqual([]);
}

/** The inline keyboard of a sent or edited message, as callback data. */
const dataOf = (payload: Record<string, unknown>): string[] =>
  (
    (payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard ?? []
  )
    .flat()
    .map((b) => b.callback_data ?? "");

/** A name of exactly 200 characters (the longest an official's name may be), with markup to escape. */
const longName = (i: number) => `${i} Ив&ан <Сейітқазы> ${"Нұрсұлтанұлы ".repeat(20)}`.slice(0, 200);

describe("/inbox pages", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" });

  it("200 pending steps: pages of 10, overdue first, each step a button, ◀ ▶ within 64 bytes", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id, "kk");
    // Each own-will report gives the deputy head two steps (the opinion and the cl. 4 interview).
    at(h, "2026-03-02 10:00");
    const early: number[] = [];
    for (let i = 0; i < 50; i++) early.push(await fileCase(h, inst.id));
    at(h, "2026-03-20 10:00");
    for (let i = 0; i < 50; i++) await fileCase(h, inst.id);

    await h.command(s.deputy.tg, "inbox");
    const first = h.tg.sent("sendMessage", s.deputy.tg.id).at(-1)!;
    const messageId = h.lastMessageIdTo(s.deputy.tg.id);
    expect(String(first.text)).toContain(kk("inbox.header", { count: 200 }));
    expect(String(first.text)).toContain(kk("paging.page", { page: 1, pages: 20 }));
    expect(dataOf(first).filter((d) => d.startsWith("ib:"))).toEqual(["ib:1"]); // no ◀ on the first page

    const pages = [first];
    for (let p = 1; p < 20; p++) {
      await h.press(s.deputy.tg, `ib:${p}`, messageId);
      pages.push(h.tg.sent("editMessageText", s.deputy.tg.id).at(-1)!);
    }
    const numbers: number[] = [];
    const overdue: boolean[] = [];
    let longest = 0;
    for (const [p, page] of pages.entries()) {
      const text = String(page.text);
      longest = Math.max(longest, shown(text).length);
      const items = [...text.matchAll(/^(\d+)\. № (\d+) іс[^\n]*\n([^\n]*)/gm)];
      expect(items).toHaveLength(10);
      for (const m of items) {
        numbers.push(Number(m[1]));
        overdue.push(m[3]!.includes("⚠️"));
      }
      // Each step on the page is a button opening its case, then ◀ and ▶ where there is a page to go to.
      const data = dataOf(page);
      expect(data.filter((d) => d.startsWith("c:"))).toEqual(items.map((m) => `c:${m[2]}`));
      expect(data.filter((d) => d.startsWith("ib:"))).toEqual(
        [p > 0 ? `ib:${p - 1}` : null, p < 19 ? `ib:${p + 1}` : null].filter((x) => x !== null),
      );
      for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
    }
    // Every step once, in order; the 100 overdue ones (the reports of 02.03) first.
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(overdue).toEqual([...Array(100).fill(true), ...Array(100).fill(false)]);
    expect(longest).toBeLessThan(2500); // a page of the worst kind is far below the limit
    // The first page's buttons open the oldest cases.
    expect(dataOf(first)[0]).toBe(`c:${early[0]}`);
    await nothingRefused(h);
  });
});

describe("breach notices and escalations", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" });

  it("25 orders overdue, four personnel officers with 200-character names: split, nothing lost", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    // The long names first: they are the ones a notice names before "+N".
    for (let i = 1; i <= 3; i++) await addOfficial(h.db, inst.id, ["personnel_officer"], longName(i), "kk");
    const s = await staff(h, inst.id, "kk");
    at(h, "2026-03-02 10:00");
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) {
      const id = await fileCase(h, inst.id, "contract_refusal");
      await interviewAndApprove(h, s, id); // the cl. 26 order opens, statutory, due 05.03
      ids.push(id);
    }
    await h.flush();
    h.tg.clear();

    at(h, "2026-03-06 09:00");
    await tick(h);
    await nothingRefused(h);
    for (const who of [s.head, s.deputy]) {
      const parts = escalationsTo(h, who.tg.id);
      expect(parts.length).toBeGreaterThanOrEqual(2); // one message could not hold the list
      const listed: number[] = [];
      for (const m of parts) {
        expect(shown(m.text).length).toBeLessThanOrEqual(4096);
        // Every part says what it is, and its buttons open exactly the cases it lists.
        expect(m.text).toContain(kk("breach.escalation_many", { count: 25, items: "" }).split("\n")[0]);
        const own = [...m.text.matchAll(/• № (\d+) іс/g)].map((x) => Number(x[1]));
        expect(dataOf(m as never)).toEqual(own.map((id) => `c:${id}`));
        listed.push(...own);
      }
      expect(listed).toEqual(ids.slice(0, 20)); // MAX_LISTED, in order, none twice
      expect(parts.at(-1)!.text).toContain(kk("breach.more", { count: 5 }));
      // The holders' names, capped: the first in full, the others as "+N".
      expect(parts[0]!.text).toContain(", +");
    }
  });
});

describe("the outbox safety net", () => {
  const hr = useHarness();

  it("a text over the limit is split at line breaks into several rows, buttons on the last", async () => {
    const h = hr.current;
    const chat = newUser();
    const lines = Array.from({ length: 300 }, (_, i) => `${i} &lt;строка&gt; &amp; ${"ж".repeat(30)}`);
    const text = `<b>Заголовок</b>\n<blockquote expandable>${lines.join("\n")}</blockquote>\n${"ё".repeat(9000)}`;
    await enqueue(
      h.db,
      [{ chatId: chat.id, text, buttons: [[{ text: "OK", data: "c:1" }]], caseId: 1, stepId: null }],
      h.clock(),
    );
    const rows = await h.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.length).toBeGreaterThanOrEqual(5); // ~22,000 characters
    await h.flush();
    await nothingRefused(h);
    const sent = h.tg.sent("sendMessage", chat.id);
    expect(sent).toHaveLength(rows.length);
    // Only the last part has the buttons; every part keeps the case.
    expect(sent.map((p) => dataOf(p))).toEqual([...Array(rows.length - 1).fill([]), ["c:1"]]);
    expect(rows.every((r) => r.caseId === 1)).toBe(true);
    // Nothing lost: the parts hold every character but the line breaks they were cut at.
    const squeeze = (x: string) => x.replace(/\n/g, "");
    expect(squeeze(sent.map((p) => shown(String(p.text))).join(""))).toBe(squeeze(shown(text)));
  });
});

describe("a report of the longest kind, through the whole chain", () => {
  const hr = useHarness();

  it("preview, task cards, the head's card, sending back, the completed report, /case: all delivered, uncut", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    // Every field at its maximum length (the institution's limits and the roster's).
    await h.db
      .update(institutions)
      .set({ headTitleKk: `${"Академия бастығына ".repeat(16)}`.slice(0, 300), headTitleRu: "Н".repeat(300) })
      .where(eq(institutions.id, inst.id));
    const head = await addOfficial(h.db, inst.id, ["head"], longName(1), "kk");
    const deputy = await addOfficial(h.db, inst.id, ["deputy_personnel"], longName(2), "kk");
    await addOfficial(h.db, inst.id, ["personnel_officer"], longName(3), "kk");
    const { tg, student } = await addStudent(h.db, inst.id, { category: "masters" });
    await h.db
      .update(students)
      .set({
        fullName: longName(4),
        rank: "Р".repeat(100),
        faculty: "Ф".repeat(200),
        course: "1".repeat(20),
        groupName: "Г".repeat(100),
        sendingUnit: "Б".repeat(300),
      })
      .where(eq(students.id, student.id));
    // 2,000 characters of reasons, markup to escape in every line.
    const reasons = Array.from({ length: 40 }, (_, i) => `${i} <себеп> & "ой" ${"ж".repeat(30)}`)
      .join("\n")
      .slice(0, 2000);
    const because = (who: string) => `${who} <пікір> & ${"қ".repeat(1000)}`.slice(0, 1000);

    await h.command(tg, "report");
    await h.press(tg, "r:g:contract_refusal");
    await h.text(tg, reasons);
    await h.press(tg, "r:c:no");
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:kk");
    expect(h.buttonsTo(tg.id)).toContain("r:submit");
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c?.reasons).toBe(reasons);
    await h.flush();

    await h.press(deputy.tg, stepButton(h, deputy.tg, "disagree"));
    await h.text(deputy.tg, because("орынбасар"));
    await h.press(deputy.tg, stepButton(h, deputy.tg, "interview"));
    await h.text(deputy.tg, "20.03.2026");
    await h.flush();
    // The head reads the whole report (D12), however long, and the disagreement.
    const toHead = h.tg.textsTo(head.tg.id).map(shown).join("\n");
    for (const line of reasons.split("\n")) expect(toHead).toContain(line);

    await h.press(head.tg, stepButton(h, head.tg, "sendback"));
    await h.text(head.tg, because("бастық"));
    await h.flush();
    await h.press(tg, `rs:${c!.id}`);
    // The head's reason and the whole report: two messages, the buttons under the last.
    expect(h.buttonsTo(tg.id)).toContain("r:submit");
    const preview = h.tg.textsTo(tg.id).slice(-2).map(shown).join("\n");
    expect(preview).toContain(because("бастық"));
    for (const line of reasons.split("\n")) expect(preview).toContain(line);

    await h.command(head.tg, "case", String(c!.id));
    await nothingRefused(h);
    expect(h.tg.textsTo(head.tg.id).at(-1)).not.toBe(kk("errors.internal"));
  });
});

describe("toasts, the audit trail and /invite at their longest", () => {
  const hr = useHarness({ adminTelegramIds: [4242] });

  it("a toast naming a 200-character official is cut to Telegram's 200", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", "kk");
    const deputy = await addOfficial(h.db, inst.id, ["deputy_personnel"], longName(1), "kk");
    const id = await fileCase(h, inst.id);
    await h.flush();
    const agree = stepButton(h, deputy.tg, "agree");
    await tap(h, deputy.tg, agree);
    await h.press(deputy.tg, agree); // again: "already done by <name> at <time>"
    await nothingRefused(h);
    const toast = String(h.tg.sent("answerCallbackQuery").at(-1)?.text);
    expect(toast.length).toBeLessThanOrEqual(200);
    expect(toast).toContain(longName(1).slice(0, 100)); // the name as typed, not escaped (plain text)
    expect(id).toBeGreaterThan(0);
  });

  it("an audit trail of 40 entries on behalf of officials with 200-character names is split", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const head = await addOfficial(h.db, inst.id, ["head"], longName(1), "kk");
    const other = await addOfficial(h.db, inst.id, ["deputy_personnel"], longName(2), "kk");
    const id = await fileCase(h, inst.id);
    for (let i = 0; i < 60; i++)
      await audit(h.db, {
        at: h.clock(),
        action: "step.agree",
        actorOfficialId: other.official.id,
        onBehalfOfOfficialId: head.official.id,
        institutionId: inst.id,
        caseId: id,
      });
    await h.press(head.tg, `t:${id}`);
    await nothingRefused(h);
    expect(h.tg.textsTo(head.tg.id).length).toBeGreaterThanOrEqual(4); // ~17,000 characters
    const all = h.tg.textsTo(head.tg.id).map(shown).join("\n");
    expect(all.split(longName(2)).length - 1).toBe(40); // the last 40 entries, none cut
    expect(await h.db.select().from(auditEvents)).not.toHaveLength(0);
  });

  it("/invite lists 40 officials with 200-character names in several messages", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db.insert(officials).values(
      Array.from({ length: 45 }, (_, i) => ({
        institutionId: inst.id,
        fullName: longName(i),
        position: "Бастық",
      })),
    );
    const admin = { id: 4242, first_name: "Admin" };
    await h.command(admin, "invite");
    await nothingRefused(h);
    const all = h.tg.textsTo(admin.id);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const text = all.map(shown).join("\n");
    for (let i = 0; i < 40; i++) expect(text).toContain(longName(i));
  });
});
