/**
 * Issue 17: auditMany (one statement for a job's audit rows) writes what audit() writes, entry by entry:
 * the same columns, values and order, nulls as nulls, on PGlite and PostgreSQL.
 */
import { asc, gt } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type AuditEntry, audit, auditMany } from "../../src/audit";
import { auditEvents } from "../../src/db/schema";
import { useHarness } from "../support/harness";

describe("auditMany", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" });

  it("writes the rows audit() writes, in order", async () => {
    const { db } = hr.current;
    const at = new Date("2026-03-06T04:00:00.123Z");
    const entries: AuditEntry[] = [
      {
        at,
        action: "step.breach_notified",
        institutionId: 1,
        caseId: 7,
        details: {
          stepId: 3,
          cite: "cl. 26; D2",
          holders: [1, 2],
          dueOn: "2026-03-05",
          none: null,
          q: "\"'<&>\\",
        },
      },
      { at, action: "x.minimal" },
      {
        at: new Date("2026-03-06T04:00:01Z"),
        action: "x.full",
        actorUserId: 11,
        actorOfficialId: 12,
        onBehalfOfOfficialId: 13,
        institutionId: 14,
        caseId: 15,
        before: { state: "open" },
        after: ["approved", 1, true],
        details: "text",
      },
      { at, action: "x.zero", caseId: 0, details: 0, before: false },
    ];
    const rowsAfter = async (id: number) =>
      (await db.select().from(auditEvents).where(gt(auditEvents.id, id)).orderBy(asc(auditEvents.id))).map(
        ({ id: _, ...r }) => r,
      );
    const start = async () =>
      (await db.select({ id: auditEvents.id }).from(auditEvents).orderBy(asc(auditEvents.id))).at(-1)?.id ??
      0;
    const one = await start();
    for (const e of entries) await audit(db, e);
    const many = await start();
    await auditMany(db, entries);
    await auditMany(db, []);
    const byOne = (await rowsAfter(one)).slice(0, entries.length);
    expect(await rowsAfter(one)).toHaveLength(2 * entries.length);
    expect(await rowsAfter(many)).toEqual(byOne);
    expect(byOne[1]).toMatchObject({ before: null, after: null, details: null, caseId: null });
  });
});
