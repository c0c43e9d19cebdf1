// src/errors.ts: the one unique-violation check, used by the institution use cases and by a second
// submit of a learner who already has an open case (src/cases/submit.ts).
import { describe, expect, it } from "vitest";
import { submitReport } from "../../src/cases/submit";
import { students } from "../../src/db/schema";
import { InputError, isUniqueViolation, UsageError } from "../../src/errors";
import { fileCase } from "../jobs/helpers";
import { addInstitution } from "../support/fixtures";
import { REASONS } from "../support/flows";
import { useHarness } from "../support/harness";

describe("isUniqueViolation", () => {
  it("finds SQLSTATE 23505 on the error or anywhere down its causes, and nothing else", () => {
    expect(isUniqueViolation({ code: "23505" })).toBe(true);
    expect(isUniqueViolation(new Error("query failed", { cause: { cause: { code: "23505" } } }))).toBe(true);
    expect(isUniqueViolation(new Error("query failed", { cause: { code: "23503" } }))).toBe(false);
    expect(isUniqueViolation("23505")).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it("keeps a wrong command line an input error, so the CLI shows both as one line", () => {
    expect(new UsageError("--code is required")).toBeInstanceOf(InputError);
  });
});

describe("a second submit while a case is open", () => {
  const hr = useHarness();

  it("is refused by the unique index and named as the open case, not thrown", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const caseId = await fileCase(h, inst.id);
    const [student] = await h.db.select({ userId: students.userId }).from(students);
    const userId = student?.userId;
    if (!userId) throw new Error("the learner has no user");
    const again = await submitReport(
      h.db,
      { userId, ground: "own_will", reasons: REASONS, conscriptServed: false, phone: null, reportLang: "kk" },
      h.clock(),
    );
    expect(again).toEqual({ ok: false, reason: "open_case", caseId });
  });
});
