import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit";
import { openDatabase, rowsOf } from "../../src/db/client";
import { auditEvents, institutions } from "../../src/db/schema";
import { resetDatabase, TABLES, testDatabase } from "../support/db";

describe("database", () => {
  it("the tests' reset empties every table: listed, or reached by a foreign key from one listed", async () => {
    const { db } = await testDatabase();
    const tables = rowsOf<{ t: string; refs: string[] }>(
      await db.execute(sql`
      SELECT c.relname AS t, coalesce(array_agg(p.relname) FILTER (WHERE p.relname IS NOT NULL), '{}') AS refs
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
        LEFT JOIN pg_class p ON p.oid = k.confrelid
      WHERE n.nspname = 'public' AND c.relkind = 'r' GROUP BY c.relname`),
    );
    expect(tables.length).toBeGreaterThan(15);
    const covered = new Set(TABLES);
    for (let grew = true; grew; ) {
      grew = false;
      for (const { t, refs } of tables)
        if (!covered.has(t) && refs.some((r) => covered.has(r))) grew = covered.add(t) !== undefined;
    }
    expect(tables.map((r) => r.t).filter((t) => !covered.has(t))).toEqual([]);
  });

  it("refuses UPDATE and DELETE on the audit trail", async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    const { db } = database;
    await audit(db, { at: new Date(), action: "test.event", details: { n: 1 } });
    await expect(db.update(auditEvents).set({ action: "forged" })).rejects.toThrow();
    await expect(db.delete(auditEvents)).rejects.toThrow();
    const rows = await db.select().from(auditEvents);
    expect(rows.map((r) => r.action)).toEqual(["test.event"]);
  });

  it("keeps every row across a restart of the embedded database (files under DATA_DIR)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bot-data-"));
    try {
      const first = await openDatabase({ dataDir: dir });
      await first.db.insert(institutions).values({
        code: "AKAD",
        nameKk: "Академия",
        nameRu: "Академия",
        headTitleKk: "Академия бастығына",
        headTitleRu: "Начальнику Академии",
      });
      await first.close();
      const second = await openDatabase({ dataDir: dir });
      const rows = await second.db.select().from(institutions);
      expect(rows.map((r) => r.code)).toEqual(["AKAD"]);
      // Migrations are not re-applied over existing tables.
      const applied = await second.db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect((applied as unknown as { rows: { n: number }[] }).rows[0]?.n).toBeGreaterThanOrEqual(2);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
