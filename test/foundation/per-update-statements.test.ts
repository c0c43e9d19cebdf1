/**
 * Issue 17: an update's identity, its chat's stored conversation state, and what /report needs of the
 * learner (the open case, the institution's settings) come in one statement (src/people/identity.ts
 * loadIdentityWithState); the conversations plugin's read then costs nothing (src/db/conversation-storage.ts
 * perUpdateStorage). The statements are counted here on the database client itself, so these tests fail
 * when a statement comes back. And none of it is cached: every update reads it anew, so a revocation, a
 * case withdrawn or an institution changed elsewhere (another instance, the admin CLI) counts at once.
 */
import { eq } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { beforeEach, describe, expect, it } from "vitest";
import { withdrawCase } from "../../src/cases/withdraw";
import { fixedClock } from "../../src/clock";
import type { Database, Db } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import { cases, conversationState, students, users } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { loadIdentityWithState } from "../../src/people/identity";
import { updateInstitution } from "../../src/people/institutions";
import { resetDatabase, testDatabase } from "../support/db";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, REASONS } from "../support/flows";
import { Harness, newUser, type TgUser } from "../support/harness";
import { BOT_INFO } from "../support/telegram";

const kk = tFor("kk");

/**
 * The test database seen through a client that notes every statement drizzle sends (a transaction as
 * "BEGIN"): PGlite's `query`, postgres.js's `unsafe` (through the preparing view, as the program runs).
 */
function counted(database: Database): { database: Database; statements: string[] } {
  const statements: string[] = [];
  const client = (database.db as unknown as { $client: object }).$client;
  const proxy = new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop === "query" || prop === "unsafe")
        return (query: string, ...rest: unknown[]) => {
          statements.push(query);
          return fn.call(target, query, ...rest);
        };
      if (prop === "transaction" || prop === "begin")
        return (...args: unknown[]) => {
          statements.push("BEGIN");
          return fn.apply(target, args);
        };
      return fn.bind(target);
    },
  });
  const db = (database.kind === "pglite"
    ? drizzlePglite(proxy as never, { schema })
    : drizzlePostgres(proxy as never, { schema })) as unknown as Db;
  return { database: { ...database, db }, statements };
}

/** What a statement is, for the assertions. */
function kindOf(statement: string): string {
  if (statement === "BEGIN") return "BEGIN";
  if (/^select "users"\."id".*from \(select 1\) as "one"/s.test(statement)) return "identity";
  if (/^insert into "conversation_state"/.test(statement)) return "state write";
  if (/^delete from "conversation_state"/.test(statement)) return "state delete";
  if (/from "conversation_state"/.test(statement)) return "state read";
  if (/from "cases"/.test(statement)) return "cases";
  if (/from "institutions"/.test(statement)) return "institutions";
  return statement.slice(0, 60);
}

/** A harness whose bot's statements are counted; `during(fn)` gives the kinds of what fn sent. */
function useCountedHarness() {
  const ref = {} as {
    h: Harness;
    during: (fn: () => Promise<unknown>) => Promise<string[]>;
  };
  // Registered like useHarness: a fresh database per test.
  beforeEachDatabase(async (database) => {
    const c = counted(database);
    ref.h = new Harness(c.database, fixedClock("2026-03-20T04:00:00Z"));
    ref.during = async (fn) => {
      const from = c.statements.length;
      await fn();
      return c.statements.slice(from).map(kindOf);
    };
  });
  return ref;
}

function beforeEachDatabase(fn: (database: Database) => Promise<void>) {
  beforeEach(async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    await fn(database);
  });
}

const groupMessage = (h: Harness, tg: TgUser, chatId: number, text: string) =>
  h.send({
    message: {
      message_id: 9_000 + Math.floor(Math.random() * 1_000),
      date: 0,
      chat: { id: chatId, type: "group", title: "Т-21" },
      from: { id: tg.id, is_bot: false, first_name: tg.first_name },
      text,
      ...(text.startsWith("/")
        ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] }
        : {}),
    } as never,
  });

describe("the identity's statement brings the conversation state and /report's facts (issue 17)", () => {
  const ref = useCountedHarness();

  it("a report's updates: the identity's statement, then only the state's write; /report asks nothing more", async () => {
    const { h, during } = ref;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    // /report: the open case and the institution's head titles came with the identity.
    expect(await during(() => h.command(tg, "report"))).toEqual(["identity", "state write"]);
    expect(h.buttonsTo(tg.id)).toContain("r:g:own_will");
    for (const step of [
      () => h.press(tg, "r:g:own_will"),
      () => h.text(tg, REASONS),
      () => h.press(tg, "r:c:no"),
      () => h.text(tg, "+7 700 123 45 67"),
      () => h.press(tg, "r:l:ru"),
    ])
      expect(await during(step)).toEqual(["identity", "state write"]);
    // The preview shows what was read with the identity: the head's title of the learner's institution.
    expect(h.tg.lastTextTo(tg.id)).toContain("Начальнику Академии КНБ");
    // Submit: the open-case re-check is the identity's too; no separate state read or cases select first.
    const submit = await during(() => h.press(tg, "r:submit"));
    expect(submit.slice(0, 2)).toEqual(["identity", "BEGIN"]);
    expect(submit).not.toContain("state read");
    expect(submit.at(-1)).toBe("state delete");
    expect(await h.db.select().from(cases)).toHaveLength(1);
    // The next /report: the open case came with the identity; only its details are read (sent back?).
    expect(await during(() => h.command(tg, "report"))).toEqual(["identity", "cases"]);
    const [c] = await h.db.select().from(cases);
    expect(h.tg.lastTextTo(tg.id)).toBe(kk("report.open_case", { id: c!.id }));
  }, 60_000);

  it("a group chat: its own key; the learner's private draft is neither read nor touched there, and goes on", async () => {
    const { h, during } = ref;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    const [before] = await h.db
      .select()
      .from(conversationState)
      .where(eq(conversationState.key, String(tg.id)));
    const group = -1_000_123;
    // In the group: one statement (the group's key has no state, so nothing is written either).
    expect(await during(() => groupMessage(h, tg, group, "/report"))).toEqual(["identity"]);
    expect(h.tg.lastTextTo(group)).toBe(kk("private_only.command", { bot: BOT_INFO.username }));
    expect(await during(() => groupMessage(h, tg, group, "сәлем"))).toEqual(["identity"]);
    const [after] = await h.db
      .select()
      .from(conversationState)
      .where(eq(conversationState.key, String(tg.id)));
    expect(after).toEqual(before);
    expect(
      await h.db
        .select()
        .from(conversationState)
        .where(eq(conversationState.key, String(group))),
    ).toEqual([]);
    // Back in private: the draft continues from the reasons question.
    await h.text(tg, REASONS);
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
  }, 60_000);

  it("a group's stored state is read under the group's key, the private one under the private chat's", async () => {
    const { h } = ref;
    const inst = await addInstitution(h.db);
    const { tg } = await addStudent(h.db, inst.id);
    await h.db.insert(conversationState).values([
      { key: String(tg.id), value: '{"private":1}' },
      { key: "-42", value: '{"group":1}' },
    ]);
    const now = new Date();
    const inGroup = await loadIdentityWithState(h.db, tg.id, [], now, undefined, "-42");
    const inPrivate = await loadIdentityWithState(h.db, tg.id, [], now, undefined, String(tg.id));
    const none = await loadIdentityWithState(h.db, tg.id, [], now, undefined, null);
    expect([inGroup.state, inPrivate.state, none.state]).toEqual(['{"group":1}', '{"private":1}', null]);
    for (const r of [inGroup, inPrivate, none]) expect(r.identity.student?.fullName).toBeTruthy();
  }, 60_000);

  it("a stranger: one statement and no users row; a state stored for their chat still comes with it", async () => {
    const { h, during } = ref;
    const stranger = newUser("Stranger");
    expect(await during(() => h.text(stranger, "сәлем"))).toEqual(["identity"]);
    expect(await during(() => h.press(stranger, "r:submit"))).toEqual(["identity"]);
    expect(await h.db.select().from(users)).toEqual([]);
    // Whatever is stored under their chat is read in the same statement (the query starts from one row).
    await h.db.insert(conversationState).values({ key: String(stranger.id), value: '{"kept":true}' });
    const r = await loadIdentityWithState(h.db, stranger.id, [], new Date(), "ru", String(stranger.id));
    expect(r.state).toBe('{"kept":true}');
    expect(r.identity).toMatchObject({
      userId: null,
      student: null,
      official: null,
      isAdmin: false,
      lang: "ru",
    });
    expect(r.identity.openCaseId).toBeNull();
    expect(r.identity.studentInstitution).toBeNull();
    expect(await h.db.select().from(users)).toEqual([]);
  }, 60_000);
});

describe("fresh on every update, whichever instance changed it (nothing cached)", () => {
  const ref = useCountedHarness();

  it("a learner revoked between two updates of a draft: /status and Submit say so at once; restored, it goes on", async () => {
    const { h } = ref;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg, student } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    await h.text(tg, REASONS);
    await h.press(tg, "r:c:no");
    await h.text(tg, "+7 700 123 45 67");
    await h.press(tg, "r:l:ru");
    // An administrator takes the learner off the roster between two updates.
    await h.db.update(students).set({ active: false }).where(eq(students.id, student.id));
    await h.command(tg, "status"); // answered inside the draft by /status's own handler
    expect(h.tg.textsTo(tg.id)).toContain(kk("report.not_student"));
    await h.press(tg, "r:submit");
    expect(h.tg.lastTextTo(tg.id)).toBe(kk("report.not_student"));
    expect(await h.db.select().from(cases)).toEqual([]);
    // Back on the roster: the next update sees it.
    await h.db.update(students).set({ active: true }).where(eq(students.id, student.id));
    await h.command(tg, "report");
    expect(h.buttonsTo(tg.id)).toContain("r:g:own_will");
  }, 60_000);

  it("the open case: /report refused while it is open, offered at once after it is withdrawn on another instance", async () => {
    const { h } = ref;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg, user } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    const [c] = await h.db.select().from(cases);
    await h.command(tg, "report");
    expect(h.tg.lastTextTo(tg.id)).toBe(kk("report.open_case", { id: c!.id }));
    // Withdrawn through another instance (its own connection to the same database).
    expect((await withdrawCase(h.database.db, c!.id, user.id, new Date())).status).toBe("withdrawn");
    await h.command(tg, "report");
    expect(h.buttonsTo(tg.id)).toContain("r:g:own_will");
  }, 60_000);

  it("the institution: the head's title changed by the administrator between two reports is in the next preview", async () => {
    const { h } = ref;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    const toPreview = async () => {
      await h.command(tg, "report");
      await h.press(tg, "r:g:own_will");
      await h.text(tg, REASONS);
      await h.press(tg, "r:c:no");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:ru");
    };
    await toPreview();
    expect(h.tg.lastTextTo(tg.id)).toContain("Начальнику Академии КНБ");
    await h.command(tg, "cancel");
    await h.press(tg, "r:discard");
    // The admin CLI's use case, on its own connection (another process).
    await updateInstitution(
      h.database.db,
      inst.code,
      { headTitleRu: "Начальнику Новой Академии" },
      new Date(),
    );
    await toPreview();
    expect(h.tg.lastTextTo(tg.id)).toContain("Начальнику Новой Академии");
    expect(h.tg.lastTextTo(tg.id)).not.toContain("Начальнику Академии КНБ");
  }, 60_000);

  it("a failed update after the state came with the identity: nothing saved, the next update reads it again", async () => {
    const { h, during } = ref;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id);
    await h.command(tg, "report");
    await h.press(tg, "r:g:own_will");
    const stored = async () =>
      (
        await h.db
          .select()
          .from(conversationState)
          .where(eq(conversationState.key, String(tg.id)))
      )[0]?.value;
    const before = await stored();
    h.tg.failNext(
      1,
      { kind: "http", code: 400, description: "Bad Request: message is too long" },
      "sendMessage",
    );
    // The reply to the reasons fails for good: the update fails, no write follows the identity's read.
    expect(await during(() => h.text(tg, REASONS))).toEqual(["identity"]);
    expect(h.tg.lastTextTo(tg.id)).toBe(kk("errors.internal"));
    expect(await stored()).toBe(before);
    // The same step again: the state read with the identity is the one before the failure.
    expect(await during(() => h.text(tg, REASONS))).toEqual(["identity", "state write"]);
    expect(h.buttonsTo(tg.id)).toEqual(["r:c:yes", "r:c:no"]);
  }, 60_000);
});
