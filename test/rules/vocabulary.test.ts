// One vocabulary: the case and step states and the languages are the rules' (src/rules/decisions.ts,
// workflows.ts), and everything else (the schema's index, i18n, the use cases) reads them from there.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIVE_STATES, isActive, isOpen, OPEN_STATES } from "../../src/cases/states";
import { DEFAULT_LANG, isLang, LANGS, langOfTelegram } from "../../src/i18n";
import {
  ACTIVE_CASE_STATES,
  CASE_STATES,
  type CaseState,
  DEFAULT_LANGUAGE,
  DOCUMENT_LANGUAGES,
  ENDED_CASE_STATES,
  GROUNDS,
  INTERFACE_LANGUAGES,
  isActiveCase,
  isDocumentLanguage,
  isLanguage,
  isOpenCase,
  isStudentFiledGround,
  languageOfTelegram,
  OPEN_CASE_STATES,
  STEP_STATES,
  STUDENT_FILED_GROUNDS,
} from "../../src/rules";

describe("case and step states (D4, D6, D8)", () => {
  it("every case state is running or ended, never both; the active ones are running", () => {
    expect(new Set(CASE_STATES).size).toBe(CASE_STATES.length);
    expect([...CASE_STATES].sort()).toEqual([...OPEN_CASE_STATES, ...ENDED_CASE_STATES].sort());
    for (const s of CASE_STATES) expect(isOpenCase(s), s).toBe(!ENDED_CASE_STATES.includes(s));
    expect(CASE_STATES.filter(isActiveCase)).toEqual(["open", "approved"]);
    expect(CASE_STATES.filter(isOpenCase)).toEqual(["open", "approved", "sent_back"]);
    expect(STEP_STATES).toEqual(["pending", "done", "cancelled"]);
  });

  it("src/cases/states.ts reads the rules' lists, not copies of them", () => {
    expect(ACTIVE_STATES).toBe(ACTIVE_CASE_STATES);
    expect(OPEN_STATES).toBe(OPEN_CASE_STATES);
    const sample: CaseState[] = ["open", "sent_back", "closed"];
    expect(sample.map(isActive)).toEqual([true, false, false]);
    expect(sample.map(isOpen)).toEqual([true, true, false]);
  });

  it("the database's one-open-case index lists exactly the running states (migration 0003)", () => {
    const sql = readFileSync(join(__dirname, "../../drizzle/0003_lawful_chain.sql"), "utf8");
    const index = /CREATE UNIQUE INDEX "cases_one_open_per_student_uq".*WHERE state in \(([^)]*)\)/.exec(sql);
    expect(index?.[1]?.split(",").map((s) => s.replace(/'/g, ""))).toEqual([...OPEN_CASE_STATES]);
  });
});

describe("languages (D10)", () => {
  it("i18n's languages are the rules' list", () => {
    expect(LANGS).toBe(INTERFACE_LANGUAGES);
    expect(DEFAULT_LANG).toBe(DEFAULT_LANGUAGE);
    expect(isLang).toBe(isLanguage);
    expect(langOfTelegram).toBe(languageOfTelegram);
  });

  it("interface and document languages, and the Telegram app's language until one is chosen", () => {
    expect(INTERFACE_LANGUAGES.filter(isLanguage)).toEqual(["kk", "ru", "en"]);
    expect(["kk", "ru", "en", "de", "", null].map(isDocumentLanguage)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(DOCUMENT_LANGUAGES.every(isLanguage)).toBe(true);
    expect(isLanguage("KK")).toBe(false);
    expect(["ru-RU", "RU", "kk", "kk-KZ", "en", "uz", ""].map(languageOfTelegram)).toEqual([
      "ru",
      "ru",
      "kk",
      "kk",
      "kk",
      "kk",
      "kk",
    ]);
  });
});

describe("the grounds a learner files", () => {
  it("isStudentFiledGround agrees with STUDENT_FILED_GROUNDS on every ground and refuses anything else", () => {
    for (const g of GROUNDS) expect(isStudentFiledGround(g)).toBe(STUDENT_FILED_GROUNDS.includes(g));
    expect([undefined, null, "", "OWN_WILL", "constructor"].some(isStudentFiledGround)).toBe(false);
  });
});
