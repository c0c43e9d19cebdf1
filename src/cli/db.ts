/**
 * Database administration (issue 12.9): `db migrate` applies the migrations as the owner; `db roles` makes
 * the application role that owns nothing. A table's owner can always ALTER TABLE … DISABLE TRIGGER (and so
 * switch off the audit trail's append-only triggers); a role without ownership cannot, and gets no TRUNCATE,
 * UPDATE or DELETE on audit_events. The program runs as that role; migrations and this command run as the
 * owner (README "A server PostgreSQL").
 */
import { randomBytes } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import { type Db, type Executor, rowsOf } from "../db/client";
import { InputError, UsageError } from "../errors";
import { type Command, str } from "./io";

const ROLE_RE = /^[a-z_][a-z0-9_]{0,62}$/;

async function one<T>(db: Executor, q: SQL): Promise<T | undefined> {
  return rowsOf<T>(await db.execute(q))[0];
}

/** The embedded database (PGlite) has one user and no server: roles mean nothing there. */
async function isEmbedded(db: Db): Promise<boolean> {
  const v = await one<{ v: string }>(db, sql`select version() as v`);
  return /PGlite/i.test(v?.v ?? "");
}

/**
 * Runs a statement built by PostgreSQL's own format() (%I quotes identifiers, %L literals), so a role name
 * or a password is never pasted into SQL by hand.
 */
async function exec(db: Executor, fmt: string, ...args: string[]): Promise<void> {
  const params = args.map((a) => sql`${a}::text`);
  const built = await one<{ q: string }>(
    db,
    sql`select format(${fmt}::text, ${sql.join(params, sql`, `)}) as q`,
  );
  if (!built) throw new Error("format() returned nothing");
  await db.execute(sql.raw(built.q));
}

/** The privileges the application needs: everything but changing or emptying the audit trail. */
export const APP_GRANTS = [
  "GRANT CONNECT ON DATABASE %I TO %I",
  "GRANT USAGE ON SCHEMA public TO %I",
  "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I",
  "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I",
  "REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM %I",
  // The program checks at start-up that the migrations are applied (src/db/client.ts migrateIfBehind).
  "GRANT USAGE ON SCHEMA drizzle TO %I",
  "GRANT SELECT ON drizzle.__drizzle_migrations TO %I",
  // Tables and sequences a later migration creates (as the owner) are granted the same way.
  "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I",
  "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I",
] as const;

export interface AppRoleResult {
  created: boolean;
  passwordSet: boolean;
  /** A password generated because the role was created without one given. */
  generatedPassword?: string;
}

/**
 * Creates the role when missing (with the given password, or a generated one, which it returns), or sets the
 * password of an existing one when given; refuses a superuser.
 */
async function createOrUpdateRole(
  tx: Executor,
  me: string,
  role: string,
  existing: { super: boolean } | undefined,
  password: string | undefined,
): Promise<string | undefined> {
  if (existing) {
    if (existing.super)
      throw new InputError(`"${role}" is a superuser: it could switch the audit trail's triggers off`);
    if (password !== undefined) await exec(tx, "ALTER ROLE %I PASSWORD %L", role, password);
    return undefined;
  }
  const generatedPassword = password === undefined ? randomBytes(18).toString("base64url") : undefined;
  try {
    await exec(tx, "CREATE ROLE %I LOGIN PASSWORD %L", role, password ?? generatedPassword!);
  } catch (err) {
    const e = err as { code?: string; cause?: { code?: string } };
    if ((e.code ?? e.cause?.code) === "42501")
      throw new InputError(
        `${me} may not create roles: ask a superuser to run CREATE ROLE ${role} LOGIN PASSWORD '…', then run this again`,
      );
    throw err;
  }
  return generatedPassword;
}

/** The arguments of one of APP_GRANTS: the database and role, the owner and role, or the role alone. */
function grantArgs(grant: string, me: { me: string; db: string }, role: string): string[] {
  if (grant.startsWith("GRANT CONNECT")) return [me.db, role];
  if (grant.includes("FOR ROLE")) return [me.me, role];
  return [role];
}

/**
 * Creates (if missing) the application's login role and grants it what the program needs, no more. Run as
 * the owner of the tables. Refused when the role is the owner itself, a superuser, or owns tables here.
 */
export async function ensureAppRole(db: Db, role: string, password?: string): Promise<AppRoleResult> {
  if (!ROLE_RE.test(role))
    throw new InputError(`"${role}" is not a role name: use lower-case letters, digits and _ (up to 63)`);
  if (await isEmbedded(db))
    throw new InputError(
      "db roles is for a server PostgreSQL (DATABASE_URL): the embedded database has a single user",
    );
  const me = await one<{ me: string; db: string }>(
    db,
    sql`select current_user as me, current_database() as db`,
  );
  if (!me) throw new Error("no current user");
  if (me.me === role)
    throw new InputError(`"${role}" is the role running this command (the owner): name a different one`);
  return db.transaction(async (tx) => {
    const existing = await one<{ super: boolean }>(
      tx,
      sql`select rolsuper as super from pg_roles where rolname = ${role}`,
    );
    const generatedPassword = await createOrUpdateRole(tx, me.me, role, existing, password);
    const owns = await one<{ n: number }>(
      tx,
      sql`select count(*)::int as n from pg_tables where schemaname in ('public', 'drizzle') and tableowner = ${role}`,
    );
    if (Number(owns?.n ?? 0) > 0)
      throw new InputError(
        `"${role}" owns tables of this database: an owner can switch the audit trail's triggers off; use another role`,
      );
    for (const g of APP_GRANTS) await exec(tx, g, ...grantArgs(g, me, role));
    return {
      created: !existing,
      passwordSet: !existing || password !== undefined,
      ...(generatedPassword ? { generatedPassword } : {}),
    };
  });
}

export const dbCommands: Command[] = [
  {
    name: "db migrate",
    summary: "apply the database migrations (run as the owner of the tables)",
    details: [
      "The program applies them at start-up too, when it may; running as the application role (db roles),",
      "it only checks they are applied, so run this with the owner's DATABASE_URL after each upgrade.",
    ],
    async run(ctx) {
      // Opening the database applies what is missing (src/db/client.ts).
      const db = await ctx.db();
      const n = await one<{ n: number }>(
        db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      ctx.out(`the database is up to date (${Number(n?.n ?? 0)} migrations applied)`);
    },
  },
  {
    name: "db roles",
    synopsis: "--app-role <name> [--password-env VAR]",
    summary: "create the application's database role, which owns nothing (server PostgreSQL only)",
    details: [
      "Run with the owner's DATABASE_URL (the role that ran the migrations). Creates <name> as a login role",
      "if missing and grants it SELECT, INSERT, UPDATE, DELETE on the tables (audit_events: SELECT and",
      "INSERT only), the sequences, and the same on tables later migrations add. Without ownership it cannot",
      "disable the audit trail's triggers or TRUNCATE it. Then run the bot with DATABASE_URL naming <name>.",
      "--password-env VAR: the password is read from the environment variable VAR (never from the command",
      "line); without it a new role gets a generated password, printed once, and an existing one keeps its own.",
      "Safe to run again (after an upgrade, to grant new tables).",
    ],
    options: { "app-role": { type: "string" }, "password-env": { type: "string" } },
    async run(ctx, a) {
      const role = str(a, "app-role");
      if (!role) throw new UsageError("--app-role is required");
      const envName = str(a, "password-env");
      let password: string | undefined;
      if (envName !== undefined) {
        password = process.env[envName];
        if (!password) throw new UsageError(`the environment variable ${envName} is empty or not set`);
      }
      const r = await ensureAppRole(await ctx.db(), role, password);
      ctx.out(
        `role ${role}: ${r.created ? "created" : "already there"}; granted the application's privileges (audit_events: SELECT, INSERT)`,
      );
      if (r.generatedPassword)
        ctx.out(`password (shown once; put it in the bot's DATABASE_URL): ${r.generatedPassword}`);
      else if (r.passwordSet) ctx.out("password set from the environment");
      ctx.out(
        `next: run the bot with DATABASE_URL=postgres://${role}:…@host:5432/<db>; keep the owner's URL for db migrate`,
      );
    },
  },
];
