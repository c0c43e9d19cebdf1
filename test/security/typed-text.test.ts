/**
 * Issue 12.5: what a person types is cleaned or refused at input, with one function (cleanText in
 * src/cases/validate.ts) used by the report conversation, the officials' answers (checkText) and the
 * server-side checks at submit. Before: a NUL (U+0000) in the reasons was accepted, then every submit failed
 * (PostgreSQL refuses it) and the draft was lost; 22 zero-width spaces or 2 emoji passed the 20-character
 * minimum, counted in UTF-16 units.
 */
import { describe, expect, it } from "vitest";
import { resubmitReport } from "../../src/cases/resubmit";
import { submitReport } from "../../src/cases/submit";
import { checkPhone, checkText, cleanText, visibleLength } from "../../src/cases/validate";
import { caseSteps, cases } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, REASONS, stepButton } from "../support/flows";
import { useHarness } from "../support/harness";

const kk = tFor("kk");
const NUL = "\u0000";
const RLO = "\u202e"; // right-to-left override
const ZWSP = "\u200b";
const FAMILY = "👨‍👩‍👧‍👦"; // one emoji, 11 UTF-16 units

describe("cleanText and visibleLength", () => {
  it("refuses control characters, bidi overrides and isolates, lone surrogates; normalises the rest", () => {
    for (const bad of [
      NUL,
      "\u0007",
      "\u001b[31m",
      "\u007f",
      "\u0085",
      RLO,
      "\u202a",
      "\u2066",
      "\u2069",
      "\ud800",
    ])
      expect(cleanText(`Отбасылық ${bad}жағдай`)).toEqual({ key: "input.control_chars" });
    expect(cleanText("  бір\r\nекі\rүш\u2028төрт\tбес  ")).toBe("бір\nекі\nүш\nтөрт бес");
    expect(cleanText("e\u0301")).toBe("é"); // NFC
    // Marks that only order text (LRM, RLM) and joiners inside emoji are kept.
    expect(cleanText(`a\u200eb ${FAMILY}`)).toBe(`a\u200eb ${FAMILY}`);
  });

  it("counts what a reader sees", () => {
    expect(visibleLength(ZWSP.repeat(22))).toBe(0);
    expect(visibleLength(FAMILY + FAMILY)).toBe(2);
    expect(visibleLength("🇰🇿🇰🇿")).toBe(2);
    expect(visibleLength("e\u0301".repeat(20))).toBe(20); // decomposed accents: 40 units, 20 letters
    expect(visibleLength(`a${"\u3164".repeat(30)}b`)).toBe(2); // Hangul fillers are blank
    expect(visibleLength("бір     екі\n\n\nүш")).toBe(9); // a run of blanks is one
  });

  it("checkPhone: cleaned, then shaped like a phone number with at least 10 digits (issue 15: shared with submit)", () => {
    for (const ok of ["+7 700 123 45 67", "8 (701) 555-44-33", "77001112233", "+7\u00a0700\u00a01234567"])
      expect(checkPhone(ok)).toBe(ok);
    expect(checkPhone("  +7 (701) 555-44-33\t")).toBe("+7 (701) 555-44-33");
    for (const bad of ["12ab", "+7 700 12", "7-700-123-45", "+7 700 123 45 67 89 01 23 45", "телефон"])
      expect(checkPhone(bad)).toEqual({ key: "report.phone_invalid" });
    expect(checkPhone("/start")).toEqual({ key: "invalid.command" });
    expect(checkPhone(`+7 700${NUL} 123 45 67`)).toEqual({ key: "input.control_chars" });
  });

  it("checkText: the minimum in visible characters, the maximum in UTF-16 units", () => {
    expect(checkText(ZWSP.repeat(22), 20, 2000)).toEqual({ key: "invalid.too_short", params: { min: 20 } });
    expect(checkText(FAMILY.repeat(2), 20, 2000)).toEqual({ key: "invalid.too_short", params: { min: 20 } });
    expect(checkText(`${"а".repeat(19)}${ZWSP.repeat(5)}`, 20, 2000)).toMatchObject({
      key: "invalid.too_short",
    });
    expect(checkText("e\u0301".repeat(20), 20, 2000)).toBe("é".repeat(20));
    expect(checkText(FAMILY.repeat(200), 3, 2000)).toMatchObject({ key: "invalid.too_long" });
    expect(checkText(`№ 12${NUL}`, 1, 50)).toEqual({ key: "input.control_chars" });
  });
});

describe("typed answers in the bot", () => {
  const hr = useHarness();

  async function setup() {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const s = await addStudent(h.db, inst.id);
    return { h, inst, staff, ...s };
  }

  it("the report: a NUL, a bidi override, 22 zero-width spaces, 2 emoji are refused with a reason; the draft lives on and is filed", async () => {
    const { h, tg } = await setup();
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    const asked = h.tg.lastTextTo(tg.id);
    for (const [typed, key] of [
      [`${REASONS}${NUL}`, "input.control_chars"],
      [`${RLO}${REASONS}`, "input.control_chars"],
      [ZWSP.repeat(22), "invalid.too_short"],
      [FAMILY.repeat(2), "invalid.too_short"],
    ] as const) {
      await h.text(tg, typed);
      const [why, again] = h.tg.textsTo(tg.id).slice(-2);
      expect(why).toBe(kk(key, { min: 20 }));
      expect(again).toBe(asked); // the same question again
    }
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    // The phone, typed with a control character: refused the same way.
    await h.text(tg, `+7 700 123${NUL} 45 67`);
    expect(h.tg.textsTo(tg.id).at(-2)).toBe(kk("input.control_chars"));
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:ru");
    await h.press(tg, "r:submit");
    const [c] = await h.db.select().from(cases);
    expect(c).toMatchObject({ reasons: REASONS, phone: "+7 700 123 45 67", state: "open" });
    expect(h.tg.lastTextTo(tg.id)).toContain(`№ ${c!.id}`); // the receipt, not an error
  });

  it("an official's typed reason with a NUL or only zero-width spaces is refused and asked again; nothing recorded", async () => {
    const { h, tg, staff } = await setup();
    await fileReport(h, tg, "own_will");
    await h.flush();
    await h.press(staff.deputy.tg, stepButton(h, staff.deputy.tg, "disagree"));
    const question = h.tg.lastTextTo(staff.deputy.tg.id);
    await h.text(staff.deputy.tg, `Келіспеймін${NUL}, себебі белгісіз.`);
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toBe(`${kk("input.control_chars")}\n\n${question}`);
    await h.text(staff.deputy.tg, ZWSP.repeat(10));
    expect(h.tg.lastTextTo(staff.deputy.tg.id)).toContain(kk("invalid.too_short", { min: 3 }));
    const steps = await h.db.select().from(caseSteps);
    expect(steps.find((s) => s.key === "endorse")?.state).toBe("pending");
    await h.text(staff.deputy.tg, "Келіспеймін: себептері расталмаған.");
    expect((await h.db.select().from(caseSteps)).find((s) => s.key === "endorse")?.state).toBe("done");
  });

  it("the server side refuses what the conversation refuses (submit and resubmit)", async () => {
    const { h, user } = await setup();
    const input = {
      userId: user.id,
      ground: "own_will" as const,
      conscriptServed: false,
      reportLang: "ru" as const,
    };
    for (const [reasons, phone] of [
      [`${REASONS}${NUL}`, null],
      [ZWSP.repeat(22), null],
      [FAMILY.repeat(2), null],
      [REASONS, `+7 700${NUL}`],
      // Issue 15: the phone's shape is checked here too, with the conversation's own function (checkPhone).
      [REASONS, "12ab"],
      [REASONS, "+7 700 12"],
      [REASONS, "/start"],
    ] as const)
      expect(await submitReport(h.db, { ...input, reasons, phone }, h.clock())).toEqual({
        ok: false,
        reason: "bad_input",
      });
    expect(await h.db.select().from(cases)).toHaveLength(0);
    const r = await resubmitReport(
      h.db,
      {
        userId: user.id,
        caseId: 1,
        reasons: `${RLO}${REASONS}`,
        conscriptServed: false,
        phone: null,
        reportLang: "ru",
      },
      h.clock(),
    );
    expect(r).toEqual({ ok: false, reason: "bad_input" });
  });
});
