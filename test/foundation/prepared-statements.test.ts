/**
 * Issue 17: drizzle's statements reach PostgreSQL as named prepared statements (one round trip each, planned
 * once per connection), also inside transactions; a database opened with `prepare: false` keeps drizzle's
 * unnamed ones (for a pooler in transaction mode). PostgreSQL only: PGlite has no network round trips.
 */
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preparingClient } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import { testDatabase } from "../support/db";

const base = process.env.TEST_DATABASE_URL;

describe.skipIf(!base)("prepared statements on PostgreSQL (issue 17)", () => {
  let url: string;
  beforeAll(async () => {
    // The worker's scratch database, migrated (its URL is what the harness opened).
    const database = await testDatabase();
    const [row] = (await database.db.execute(sql`select current_database() as name`)) as unknown as {
      name: string;
    }[];
    const u = new URL(base!);
    u.pathname = `/${row!.name}`;
    url = u.toString();
  });
  const clients: postgres.Sql[] = [];
  afterAll(async () => {
    for (const c of clients) await c.end({ timeout: 5 });
  });

  /** Named statements this connection holds (one connection: max 1). */
  async function namedStatements(prepared: boolean) {
    const client = postgres(url, { max: 1, onnotice: () => {} });
    clients.push(client);
    const db = drizzle(prepared ? preparingClient(client) : client, { schema });
    for (const id of [1, 2, 3]) await db.select().from(schema.users).where(eq(schema.users.id, id));
    await db.transaction(async (tx) => {
      await tx.select().from(schema.cases).where(eq(schema.cases.id, 1));
      await tx.transaction(async (sp) => {
        await sp.select().from(schema.caseSteps).where(eq(schema.caseSteps.id, 1));
      });
    });
    const rows = await client`select statement from pg_prepared_statements`;
    return rows.map((r) => String(r.statement));
  }

  it("drizzle's statements are prepared once per connection, in transactions and savepoints too", async () => {
    const named = await namedStatements(true);
    // The users query ran three times with different ids: one statement, prepared once.
    expect(named.filter((s) => s.includes('from "users"'))).toHaveLength(1);
    expect(named.some((s) => s.includes('from "cases"'))).toBe(true);
    expect(named.some((s) => s.includes('from "case_steps"'))).toBe(true);
  });

  it("without the preparing view, drizzle's statements stay unnamed (two round trips each)", async () => {
    const named = await namedStatements(false);
    expect(named.filter((s) => /from "(users|cases|case_steps)"/.test(s))).toEqual([]);
  });
});
