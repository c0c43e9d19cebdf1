import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { auditEvents } from "../../src/db/schema";
import { findInstitution, listInstitutions, updateInstitution } from "../../src/people/institutions";
import { resetDatabase, testDatabase } from "../support/db";
import { institution, NOW } from "./fixtures";

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
  await resetDatabase(database);
});

describe("institutions", () => {
  it("adds with defaults, finds by code in any case, and audits the settings", async () => {
    const row = await institution(database.db, " akad ");
    expect(row).toMatchObject({
      code: "AKAD",
      reminderHour: 9,
      weekPattern: [1, 2, 3, 4, 5],
      endorsers: [],
      reimbursement: {},
    });
    expect((await findInstitution(database.db, "Akad"))?.id).toBe(row.id);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "institution.added"));
    expect(event).toMatchObject({
      institutionId: row.id,
      after: { code: "AKAD", headTitleRu: "Начальнику Академии КНБ" },
    });
  });

  it("refuses a second institution with the same code and bad settings", async () => {
    await institution(database.db, "AKAD");
    await expect(institution(database.db, "akad")).rejects.toThrow('institution "AKAD" already exists');
    await expect(institution(database.db, "A B")).rejects.toThrow(/code must be/);
    await expect(institution(database.db, "X1", { reminderHour: 24 })).rejects.toThrow(
      /reminder hour must be a whole number 0–23/,
    );
    await expect(institution(database.db, "X1", { weekPattern: [1, 1] })).rejects.toThrow(
      "a week day is listed twice",
    );
    await expect(institution(database.db, "X1", { weekPattern: [] })).rejects.toThrow(
      /at least one working day/,
    );
    await expect(institution(database.db, "X1", { nameKk: " " })).rejects.toThrow("name (kk) is required");
    await expect(institution(database.db, "X1", { endorsers: ["head"] })).rejects.toThrow(
      /"head" cannot be an endorser/,
    );
    await expect(institution(database.db, "X1", { reimbursement: { bribery: true } })).rejects.toThrow(
      /"bribery" is not a ground/,
    );
    expect(await listInstitutions(database.db)).toHaveLength(1);
  });

  it("updates settings, merges the reimbursement map and audits only what changed", async () => {
    await institution(database.db, "AKAD", { reimbursement: { own_will: false } });
    const { institution: after, changed } = await updateInstitution(
      database.db,
      "akad",
      {
        reminderHour: 8,
        weekPattern: [6, 1, 2, 3, 4, 5],
        endorsers: ["unit_head"],
        reimbursement: { citizenship: true, own_will: null },
      },
      NOW,
      { via: "test" },
    );
    expect(changed).toEqual(["reminderHour", "weekPattern", "endorsers", "reimbursement"]);
    expect(after).toMatchObject({
      reminderHour: 8,
      weekPattern: [1, 2, 3, 4, 5, 6],
      endorsers: ["unit_head"],
      reimbursement: { citizenship: true },
    });
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "institution.updated"));
    expect(event).toMatchObject({
      before: { reminderHour: 9, endorsers: [], reimbursement: { own_will: false } },
      after: { reminderHour: 8, endorsers: ["unit_head"], reimbursement: { citizenship: true } },
      details: { via: "test" },
    });
    expect(event?.before).not.toHaveProperty("nameKk");
    const again = await updateInstitution(database.db, "AKAD", { reminderHour: 8 }, NOW);
    expect(again.changed).toEqual([]);
    await expect(updateInstitution(database.db, "NOPE", { reminderHour: 8 }, NOW)).rejects.toThrow(
      /no institution with code "NOPE"/,
    );
  });
});
