/**
 * Issue 12.4, the pure parts: the splitting every builder relies on (src/messages/fit.ts), checked against an
 * independent reading of Telegram's rules (test/support/telegram-limits.ts), and the daily digest at its
 * worst size (every section full, the longest labels, in each language).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/i18n";
import type { DigestGroups, DigestStep } from "../../src/jobs/digest";
import { renderDigest } from "../../src/messages/digest";
import { clipPlain, packLines, splitHtml, TELEGRAM_TEXT_LIMIT, textLength } from "../../src/messages/fit";
import { type Calendar, DEFAULT_CALENDAR, type LocalDate, type Role, type StepKey } from "../../src/rules";
import { parseTelegramHtml } from "../support/telegram-limits";

/** The text Telegram shows, or the test fails with the parse error. */
function shown(html: string): string {
  const p = parseTelegramHtml(html);
  if ("error" in p) throw new Error(`${p.error}\n${html}`);
  return p.text;
}
const squeeze = (s: string) => s.replace(/[\n ]/g, "");

describe("splitHtml", () => {
  it("leaves a text that fits as it is", () => {
    expect(splitHtml("<b>a &amp; b</b>", 5)).toEqual(["<b>a &amp; b</b>"]);
    expect(textLength("<b>a &amp; b</b>")).toBe(5);
    expect(textLength("&#128512;x")).toBe(3); // an astral numeric entity is two UTF-16 units
  });

  it("cuts at a line break, closes the tags open there and opens them again, attributes kept", () => {
    const html = `<blockquote expandable>${"а".repeat(30)}\n${"б".repeat(30)}</blockquote>`;
    const parts = splitHtml(html, 40);
    expect(parts).toEqual([
      `<blockquote expandable>${"а".repeat(30)}</blockquote>`,
      `<blockquote expandable>${"б".repeat(30)}</blockquote>`,
    ]);
  });

  it("never cuts an entity or a surrogate pair; a line with no space is cut between characters", () => {
    const html = "&amp;😀".repeat(50);
    const parts = splitHtml(html, 7);
    for (const p of parts) expect(textLength(p)).toBeLessThanOrEqual(7);
    expect(parts.join("")).toBe(html);
  });

  it("any Telegram HTML: every part parses, fits, and together they keep every character", () => {
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "ж", " ", "\n", "&", "<", ">", '"', "😀", "é"), maxLength: 60 }),
      fc.constantFrom("Ұлттық қауіпсіздік комитеті", "Ivan & Co <b>", "\n\n"),
    );
    const node: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        piece.map(escapeHtml),
        fc
          .tuple(
            fc.constantFrom("<b>", "<i>", '<a href="https://t.me/x?a=1&amp;b=2">', "<blockquote expandable>"),
            fc.array(tie("node"), { maxLength: 4 }),
          )
          .map(([open, kids]) => `${open}${kids.join("")}</${/^<([a-z]+)/.exec(open)![1]}>`),
      ),
    })).node;
    fc.assert(
      fc.property(fc.array(node, { maxLength: 12 }), fc.integer({ min: 2, max: 120 }), (nodes, limit) => {
        const html = nodes.join("");
        const parts = splitHtml(html, limit);
        for (const p of parts) {
          expect(textLength(p)).toBeLessThanOrEqual(limit);
          expect(shown(p).length).toBeLessThanOrEqual(limit);
        }
        // Only the line breaks and spaces the cuts fell on (and blank parts) are gone.
        expect(squeeze(parts.map(shown).join(""))).toBe(squeeze(shown(html)));
      }),
      { numRuns: 400 },
    );
  });

  it("packLines keeps items whole and within the budget", () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ text: `• ${i} ${"x".repeat(100)}` }));
    const chunks = packLines(items, 1000);
    expect(chunks.flat()).toEqual(items);
    for (const c of chunks) expect(c.map((x) => x.text).join("\n").length).toBeLessThanOrEqual(1000);
    expect(chunks).toHaveLength(4); // 9 items of 105 characters (with the line breaks) per 1000
  });

  it("clipPlain cuts a toast to 200 at a character boundary", () => {
    const t = clipPlain("😀".repeat(150));
    expect(t.length).toBeLessThanOrEqual(200);
    expect(t.endsWith("…")).toBe(true);
    expect(t).not.toMatch(/[\ud800-\udbff]…$/); // no half of a surrogate pair before the ellipsis
  });
});

describe("the daily digest at its worst size", () => {
  const today = "2026-03-20" as LocalDate;
  const calendar: Calendar = DEFAULT_CALENDAR;
  const now = new Date("2026-03-20T05:00:00Z");
  /** 200 steps with the longest labels, statutory (the due line cites a clause) and long overdue. */
  const steps = (key: StepKey, role: Role, from: number): DigestStep[] =>
    Array.from({ length: 200 }, (_, i) => ({
      id: from + i,
      caseId: 100_000 + from + i,
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

  for (const lang of ["kk", "ru", "en"]) {
    it(`fits in ${lang}: every section header, the D14 hint and "…and N more" survive`, () => {
      const d = renderDigest(lang, worst, today, now, calendar, new Map(), "AKADEMIYA-01");
      // The digest's own promise (3,800), with room under Telegram's 4,096.
      expect(d.text.length).toBeLessThanOrEqual(3800);
      expect(shown(d.text).length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      const listed = d.text.match(/№ \d+|No\. \d+/g) ?? [];
      expect(listed.length).toBeGreaterThan(5);
      expect(listed.length).toBeLessThanOrEqual(20);
      // The hidden count is exact: 1,000 steps in all, the listed ones shown.
      expect(d.text).toContain(`${1000 - listed.length}`);
      // Every non-empty section keeps its header, even when its items did not fit.
      expect((d.text.match(/<b>/g) ?? []).length).toBeGreaterThanOrEqual(5);
      expect(d.text).toContain("AKADEMIYA-01");
      expect(d.buttons!.flat().every((b) => Buffer.byteLength(b.data) <= 64)).toBe(true);
    });
  }
});
