/**
 * visibleLength (src/cases/validate.ts, issue 12.5) counts plain text (ASCII, Latin-1, Cyrillic with
 * Kazakh's letters, common punctuation) without the grapheme segmenter (issue 17: the report conversation
 * counts the reasons again on every replayed update). The count must be the segmenter's, character for
 * character: here against the segmenter's count, on every character of the plain set and on random texts
 * mixing plain characters with the ones that are not (combining marks, joiners, emoji, invisible ones).
 */
import { describe, expect, it } from "vitest";
import { checkText, visibleLength } from "../../src/cases/validate";

/** The count by grapheme clusters, as visibleLength defines it (its general path). */
const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });
const INVISIBLE_KIND = /^[\p{Cf}\p{Cc}\p{Mn}\p{Me}]$/u;
const BLANK_LETTERS = new Set([0x115f, 0x1160, 0x3164, 0xffa0, 0x2800]);
function bySegments(text: string): number {
  let n = 0;
  let blank = false;
  for (const { segment } of graphemes.segment(text)) {
    if ([...segment].every((ch) => INVISIBLE_KIND.test(ch) || BLANK_LETTERS.has(ch.codePointAt(0)!)))
      continue;
    if (/^[\s\p{Z}]+$/u.test(segment)) {
      if (!blank) n++;
      blank = true;
      continue;
    }
    blank = false;
    n++;
  }
  return n;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
const PLAIN = [
  "\n",
  ...range(0x20, 0x7e),
  ...range(0xa0, 0xac),
  ...range(0xae, 0xff),
  ...range(0x400, 0x482),
  ...range(0x48a, 0x4ff),
  ...range(0x2010, 0x2027),
  "№",
];
/** Not plain: each sends the whole text to the segmenter. */
const OTHER = [
  "\u0301", // combining acute
  "\u0483", // Cyrillic combining titlo
  "\u200b", // zero-width space
  "\u200d", // zero-width joiner
  "\u00ad", // soft hyphen
  "\u2028",
  "\r",
  "\t",
  "\u3164", // Hangul filler
  "👨‍👩‍👧",
  "🇰🇿",
  "é", // e + combining acute
  "\u202f",
];

describe("visibleLength without the segmenter for plain text (issue 17)", () => {
  it("every plain character alone and between letters counts as the segmenter counts it", () => {
    for (const ch of PLAIN) {
      for (const text of [ch, `а${ch}б`, `${ch}${ch}`, ` ${ch} `])
        expect(visibleLength(text)).toBe(bySegments(text));
    }
  });

  it("random texts, plain and mixed, count the same", () => {
    const next = random(17);
    const pick = (list: string[]) => list[Math.floor(next() * list.length)]!;
    for (let i = 0; i < 3_000; i++) {
      const mixed = i % 3 === 0;
      const len = 1 + Math.floor(next() * 60);
      let text = "";
      for (let j = 0; j < len; j++) text += mixed && next() < 0.15 ? pick(OTHER) : pick(PLAIN);
      expect(visibleLength(text), JSON.stringify(text)).toBe(bySegments(text));
    }
  });

  it("the report's reasons as learners write them: the counts and verdicts are unchanged", () => {
    const reasons = "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.";
    expect(visibleLength(reasons)).toBe(bySegments(reasons));
    expect(visibleLength("Әке-шешем   науқас —\n\nкүтім керек «үйде» №5…")).toBe(40);
    expect(visibleLength("\u200b".repeat(22))).toBe(0);
    expect(visibleLength("👨‍👩‍👧👍")).toBe(2);
    expect(checkText("а".repeat(19), 20, 2000)).toEqual({ key: "invalid.too_short", params: { min: 20 } });
    expect(checkText(reasons, 20, 2000)).toBe(reasons);
  });
});
