/**
 * Issue 12.9: the audit trail is append-only against TRUNCATE too (a statement trigger), and the program
 * can run as a role that owns nothing (`db roles --app-role`), which can neither change nor empty the trail
 * nor switch its triggers off. Role tests need a server PostgreSQL (TEST_DATABASE_URL); on the embedded
 * database the command refuses with a clear message.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { audit } from "../../src/audit";
import { runCli } from "../../src/cli/run";
import { type Database, openDatabase } from "../../src/db/client";
import { resetDatabase, testDatabase } from "../support/db";

const NOW = new Date("2026-03-20T04:00:00Z");
let database: Database;

beforeEach(async () => {
  database = await testDatabase();
  await resetDatabase(database);
});

/** The error a statement raises (drizzle wraps it; the database's message is in the cause). */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return `${e.message} ${e.cause?.message ?? ""}`;
  }
  return "no error";
}

function cli(db: Database["db"]) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    run: (...argv: string[]) =>
      runCli(argv, { db, out: (s) => out.push(s), err: (s) => err.push(s), now: () => NOW }),
  };
}

describe("audit trail: TRUNCATE refused (issue 12.9)", () => {
  it("refuses TRUNCATE alone, with CASCADE and among other tables; the rows stay", async () => {
    const db = database.db;
    await audit(db, { at: NOW, action: "test.kept" });
    for (const stmt of [
      "TRUNCATE audit_events",
      "TRUNCATE audit_events RESTART IDENTITY CASCADE",
      "TRUNCATE outbox, audit_events",
    ]) {
      expect(await failure(db.execute(sql.raw(stmt)))).toMatch(
        /audit_events is append-only: TRUNCATE refused/,
      );
    }
    // UPDATE and DELETE as before.
    expect(await failure(db.execute(sql`UPDATE audit_events SET action = 'x'`))).toMatch(
      /append-only: UPDATE/,
    );
    expect(await failure(db.execute(sql`DELETE FROM audit_events`))).toMatch(/append-only: DELETE/);
    const rows = await db.execute(sql`SELECT action FROM audit_events`);
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { action: string }[];
    expect(list.map((r) => r.action)).toEqual(["test.kept"]);
  });

  it("`db migrate` reports the database up to date", async () => {
    const c = cli(database.db);
    expect(await c.run("db", "migrate")).toBe(0);
    expect(c.out[0]).toMatch(/^the database is up to date \(\d+ migrations applied\)$/);
  });
});

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(serverUrl)("db roles on the embedded database", () => {
  it("refuses with a clear message", async () => {
    const c = cli(database.db);
    expect(await c.run("db", "roles", "--app-role", "expulsion_app")).toBe(1);
    expect(c.err).toEqual([
      "error: db roles is for a server PostgreSQL (DATABASE_URL): the embedded database has a single user",
    ]);
    expect(await c.run("db", "roles")).toBe(1);
    expect(c.err.at(-1)).toBe("error: --app-role is required (see: db roles --help)");
  });
});

/** The URL of the scratch database the tests use, on the server of TEST_DATABASE_URL. */
async function scratchUrl(): Promise<string> {
  const res = await database.db.execute(sql`select current_database() as db`);
  const name = ((Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { db: string }[])[0]!.db;
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

describe.skipIf(!serverUrl)("the application role on a server PostgreSQL", () => {
  const role = `app_${process.pid}_${randomBytes(3).toString("hex")}`;
  let app: Database | undefined;
  let dbUrl: string;

  afterAll(async () => {
    await app?.close();
    // Roles are global to the server: remove this one (its privileges live in the scratch database).
    if (!dbUrl) return;
    const owner = postgres(dbUrl, { max: 1, onnotice: () => {} });
    try {
      await owner.unsafe(`DROP OWNED BY "${role}"`);
      await owner.unsafe(`DROP ROLE IF EXISTS "${role}"`);
    } finally {
      await owner.end();
    }
  });

  it("`db roles` creates a role that owns nothing: it runs the program's statements but cannot touch the trail", async () => {
    // The scratch database the tests use (reached as the application role below); known first, so the
    // role is dropped after the file even if an assertion fails.
    dbUrl = await scratchUrl();
    const url = new URL(dbUrl);

    const c = cli(database.db);
    process.env.APP_ROLE_PASSWORD_TEST = "app-secret-for-tests";
    expect(await c.run("db", "roles", "--app-role", role, "--password-env", "APP_ROLE_PASSWORD_TEST")).toBe(
      0,
    );
    expect(c.out[0]).toBe(
      `role ${role}: created; granted the application's privileges (audit_events: SELECT, INSERT)`,
    );
    expect(c.out.join("\n")).not.toContain("app-secret-for-tests");
    // Idempotent: a second run keeps the role (and its password) and grants again.
    const before = c.out.length;
    expect(await c.run("db", "roles", "--app-role", role)).toBe(0);
    expect(c.out[before]).toBe(
      `role ${role}: already there; granted the application's privileges (audit_events: SELECT, INSERT)`,
    );
    expect(c.out.slice(before).join("\n")).not.toMatch(/password/);

    url.username = role;
    url.password = "app-secret-for-tests";
    // Opening checks the migrations without running any DDL (the role may not create anything).
    app = await openDatabase({ url: url.toString(), max: 1 });
    const db = app.db;
    const who = await db.execute(sql`select current_user as u`);
    expect(((Array.isArray(who) ? who : (who as { rows: unknown[] }).rows) as { u: string }[])[0]?.u).toBe(
      role,
    );

    // What the program does: insert into the trail, read it, write other tables.
    await audit(db, { at: NOW, action: "test.by_app" });
    await db.execute(sql`INSERT INTO users (telegram_id) VALUES (424242)`);
    await db.execute(sql`UPDATE users SET lang = 'ru' WHERE telegram_id = 424242`);
    await db.execute(sql`DELETE FROM users WHERE telegram_id = 424242`);
    const seen = await db.execute(sql`SELECT count(*)::int AS n FROM audit_events`);
    expect(((Array.isArray(seen) ? seen : (seen as { rows: unknown[] }).rows) as { n: number }[])[0]?.n).toBe(
      1,
    );

    // What it may not do: change, delete or empty the trail, or switch its triggers off.
    for (const stmt of [
      "UPDATE audit_events SET action = 'x'",
      "DELETE FROM audit_events",
      "TRUNCATE audit_events",
      "TRUNCATE users CASCADE",
      "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
      "ALTER TABLE audit_events DISABLE TRIGGER ALL",
      "SET session_replication_role = replica",
      "DROP TRIGGER audit_events_no_truncate ON audit_events",
      "CREATE TABLE sneaky (id int)",
    ]) {
      expect(await failure(db.execute(sql.raw(stmt))), stmt).toMatch(
        /permission denied|must be owner|append-only/,
      );
    }
  });

  it("a role without the grants is told what to run instead of failing on the migrator's DDL", async () => {
    const bare = `${role}_bare`;
    dbUrl = await scratchUrl();
    const owner = postgres(dbUrl, { max: 1, onnotice: () => {} });
    try {
      await owner.unsafe(`CREATE ROLE "${bare}" LOGIN PASSWORD 'bare'`);
      const url = new URL(dbUrl);
      url.username = bare;
      url.password = "bare";
      await expect(openDatabase({ url: url.toString(), max: 1 })).rejects.toThrow(
        /may not apply the database migrations.*npm run admin -- db migrate.*db roles/,
      );
    } finally {
      await owner.unsafe(`DROP ROLE IF EXISTS "${bare}"`);
      await owner.end();
    }
  });

  it("refuses to make an owner or a superuser the application role", async () => {
    const c = cli(database.db);
    expect(await c.run("db", "roles", "--app-role", "postgres")).toBe(1);
    expect(c.err.at(-1)).toMatch(/is the role running this command|is a superuser/);
    expect(await c.run("db", "roles", "--app-role", "Bad-Name")).toBe(1);
    expect(c.err.at(-1)).toMatch(/is not a role name/);
  });
});
