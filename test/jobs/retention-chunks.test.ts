/**
 * Issue 17: the D8 purge runs in chunks, one transaction of set-based statements per chunk
 * (src/cases/retention.ts purgeChunk), and purgeCase is a chunk of one. A chunk must leave the database
 * exactly as purging its cases one by one does (every row of every table, the audit payloads included);
 * a chunk whose cases interact in ways its statements do not follow (two learners on one Telegram account,
 * a learner who is also an official) is purged case by case; a chunk that fails is purged case by case, so
 * one bad case is left whole and the others are purged. On PGlite, and on PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { storeAttachments } from "../../src/cases/attachments";
import { type PurgedCase, purgeExpired } from "../../src/cases/retention";
import { type Db, rowsOf } from "../../src/db/client";
import {
  auditEvents,
  caseSteps,
  cases,
  conversationState,
  invites,
  officials,
  outbox,
  students,
} from "../../src/db/schema";
import { runTick } from "../../src/jobs/runner";
import type { CaseState } from "../../src/rules";
import { addInstitution, addStudent } from "../support/fixtures";
import { PHONE, REASONS, submitOwnWill } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";
import { actOn, almaty, at, jobDeps, staff } from "./helpers";

/** Every public table, as rows (to_jsonb), and every sequence's position. */
interface Snapshot {
  tables: Map<string, unknown[]>;
  sequences: { name: string; last: string | number | null }[];
}

async function tableNames(db: Db): Promise<string[]> {
  return rowsOf<{ t: string }>(
    await db.execute(sql`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`),
  ).map((r) => r.t);
}

async function snapshot(db: Db): Promise<Snapshot> {
  const tables = new Map<string, unknown[]>();
  for (const t of await tableNames(db))
    tables.set(
      t,
      rowsOf<{ r: unknown }>(await db.execute(sql.raw(`SELECT to_jsonb(x) AS r FROM "${t}" x`))).map(
        (r) => r.r,
      ),
    );
  const sequences = rowsOf<{ name: string; last: string | number | null }>(
    await db.execute(
      sql`SELECT quote_ident(sequencename) AS name, last_value AS last FROM pg_sequences WHERE schemaname = 'public'`,
    ),
  );
  return { tables, sequences };
}

/**
 * Puts the database back as it was at the snapshot: every table emptied and refilled, every sequence reset.
 * The audit trail refuses TRUNCATE: as test/support/db.ts resetDatabase, ordinary triggers are off for
 * the transaction (a superuser's test-only door).
 */
async function restore(db: Db, s: Snapshot): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw("SET LOCAL session_replication_role = replica"));
    await tx.execute(
      sql.raw(`TRUNCATE ${[...s.tables.keys()].map((t) => `"${t}"`).join(", ")} RESTART IDENTITY CASCADE`),
    );
    for (const [t, rows] of s.tables)
      if (rows.length > 0)
        await tx.execute(
          sql`INSERT INTO ${sql.raw(`"${t}"`)} SELECT * FROM jsonb_populate_recordset(NULL::${sql.raw(`"${t}"`)}, ${JSON.stringify(rows)}::jsonb)`,
        );
    for (const q of s.sequences)
      await tx.execute(sql`SELECT setval(${q.name}::regclass, ${Number(q.last ?? 1)}, ${q.last !== null})`);
  });
}

/**
 * Every row of every table, as sorted JSON per table, without created_at: the rows the purge inserts
 * (edits into the stub, fresh roster entries and users rows) take it from the transaction's start.
 */
async function contents(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await tableNames(db))
    out[t] = rowsOf<{ r: string }>(
      await db.execute(sql.raw(`SELECT (to_jsonb(x) - 'created_at')::text AS r FROM "${t}" x`)),
    )
      .map((r) => r.r)
      .sort();
  return out;
}

/** Runs `purge` from the snapshot's state; returns what it purged, the tables after, its transactions. */
async function purgeFrom(
  h: Harness,
  s: Snapshot,
  purge: () => Promise<PurgedCase[]>,
): Promise<{ purged: PurgedCase[]; tables: Record<string, string[]>; transactions: number }> {
  await restore(h.db, s);
  const spy = vi.spyOn(h.db, "transaction");
  try {
    const purged = await purge();
    return { purged, tables: await contents(h.db), transactions: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

/** The purge at the harness clock's now, from the same state: one case at a time, then in one chunk. */
async function bothWays(h: Harness) {
  const before = await snapshot(h.db);
  const oneByOne = await purgeFrom(h, before, () => purgeExpired(h.db, h.clock(), { chunk: 1 }));
  const chunk = await purgeFrom(h, before, () => purgeExpired(h.db, h.clock()));
  return { oneByOne, chunk };
}

describe("the purge in chunks (issue 17)", () => {
  const hr = useHarness({ now: "2026-03-02T05:00:00Z" });
  afterEach(() => vi.restoreAllMocks());

  const submit = async (h: Harness, userId: number) => (await submitOwnWill(h, userId)).caseId;
  const end = (h: Harness, caseId: number, state: CaseState, local: string) =>
    h.db
      .update(cases)
      .set({
        state,
        closedAt: almaty(local),
        orderNumber: state === "closed" ? "45-к/2026" : null,
        outcomeReason: state === "rejected" ? "Негіздер расталмады." : null,
      })
      .where(eq(cases.id, caseId));
  const notice = (h: Harness, chatId: number, text: string, state: "sent" | "failed" | "pending") =>
    h.db.insert(outbox).values({
      chatId,
      method: "sendMessage",
      payload: { text, parse_mode: "HTML" },
      state,
      nextAttemptAt: almaty("2099-01-01 00:00"),
    });

  /**
   * Six cases whose year is over by 14.03.2027, in id order: Әлиев Әли (closed: left; his name is part of
   * the next learner's), Әлиев Әлихан (rejected: still studying; an unused invite moves to his fresh
   * entry), Бекова Бек's first case (withdrawn) and, last, her second (closed: the one that pseudonymises
   * her), Данияр Дана (withdrawn, with a case still running: her entry stays), Ерлан Ерланов's (the link
   * to his entry already gone). Around them: task messages delivered and two acted on (status edits),
   * step results, notices naming learners without a case id (sent, failed, pending), drafts before and
   * after the ends, an attachment, used invites.
   */
  async function sixCases(h: Harness) {
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const ali = await addStudent(h.db, inst.id, { name: "Әлиев Әли" });
    const alikhan = await addStudent(h.db, inst.id, { name: "Әлиев Әлихан" });
    const bek = await addStudent(h.db, inst.id, { name: "Бекова Бек" });
    const dana = await addStudent(h.db, inst.id, { name: "Данияр Дана" });
    const erlan = await addStudent(h.db, inst.id, { name: "Ерлан Ерланов" });
    for (const l of [ali, alikhan, bek, dana])
      await h.db.insert(invites).values({
        tokenHash: `used-${l.student.id}`,
        kind: "student",
        institutionId: inst.id,
        studentId: l.student.id,
        expiresAt: almaty("2026-04-01 00:00"),
        usedAt: almaty("2026-03-01 10:00"),
        usedByUserId: l.user.id,
      });
    await h.db.insert(invites).values({
      tokenHash: "unused-alikhan",
      kind: "student",
      institutionId: inst.id,
      studentId: alikhan.student.id,
      expiresAt: almaty("2027-12-01 00:00"),
    });
    const ids = {
      ali: await submit(h, ali.user.id),
      alikhan: await submit(h, alikhan.user.id),
      bek1: await submit(h, bek.user.id),
      dana: await submit(h, dana.user.id),
      erlan: await submit(h, erlan.user.id),
    };
    await h.flush();
    await actOn(h, s.deputy, ids.ali, "endorse", "agree");
    await actOn(h, s.deputy, ids.alikhan, "endorse", "agree");
    await h.flush();
    await h.db
      .update(caseSteps)
      .set({ result: { action: "order", number: "45-к/2026" } })
      .where(eq(caseSteps.caseId, ids.bek1));
    await storeAttachments(
      h.db,
      ids.ali,
      [
        {
          kind: "interview_sheets",
          media: "pdf",
          fileId: "F-1",
          fileUniqueId: "U-1",
          fileName: "a.pdf",
          size: 9,
        },
      ],
      s.deputy.user.id,
      h.clock(),
    );
    await end(h, ids.ali, "closed", "2026-03-05 12:00");
    await end(h, ids.alikhan, "rejected", "2026-03-05 12:00");
    await end(h, ids.bek1, "withdrawn", "2026-03-04 12:00");
    await end(h, ids.dana, "withdrawn", "2026-03-05 12:00");
    await end(h, ids.erlan, "closed", "2026-03-05 12:00");
    await h.db.update(cases).set({ studentId: null }).where(eq(cases.id, ids.erlan));
    at(h, "2026-03-10 10:00");
    const bek2 = await submit(h, bek.user.id);
    await submit(h, dana.user.id); // still running at the purge
    await h.flush();
    await end(h, bek2, "closed", "2026-03-12 12:00");
    await notice(h, s.head.tg.id, "Бүгін: Әлиев Әли; Бекова Бек; Басқа Б.", "sent");
    await notice(h, s.head.tg.id, `Ростер: Әлиев Әлихан (${alikhan.student.personalNumber})`, "failed");
    await notice(h, s.head.tg.id, `Ростер: Әлиев Әли (${ali.student.personalNumber})`, "sent");
    await notice(h, s.head.tg.id, "Кезекте: Данияр Дана", "pending");
    await notice(h, ali.tg.id, "Әлиев Әли, сіздің ісіңіз жабылды.", "sent");
    const draft = (tg: number, local: string) =>
      h.db
        .insert(conversationState)
        .values({ key: String(tg), value: '{"report":{}}', updatedAt: almaty(local) })
        .onConflictDoUpdate({
          target: conversationState.key,
          set: { value: '{"report":{}}', updatedAt: almaty(local) },
        });
    await draft(ali.tg.id, "2026-03-03 09:00"); // before Ali's end: goes with it
    await draft(bek.tg.id, "2026-03-03 09:00"); // before both her ends: goes with the first
    await draft(alikhan.tg.id, "2026-05-01 09:00"); // after his end: kept
    return { ...ids, bek2 };
  }

  for (const nameScanFrom of [1, 10])
    it(`one chunk leaves every table as purging the cases one by one (${nameScanFrom === 1 ? "names found in one read of the outbox" : "each learner searched through the outbox"})`, async () => {
      const h = hr.current;
      const ids = await sixCases(h);
      at(h, "2027-03-14 10:00");
      const before = await snapshot(h.db);
      const oneByOne = await purgeFrom(h, before, () =>
        purgeExpired(h.db, h.clock(), { chunk: 1, nameScanFrom }),
      );
      const chunk = await purgeFrom(h, before, () => purgeExpired(h.db, h.clock(), { nameScanFrom }));
      const byFour = await purgeFrom(h, before, () =>
        purgeExpired(h.db, h.clock(), { chunk: 4, nameScanFrom }),
      );

      const all = [ids.ali, ids.alikhan, ids.bek1, ids.dana, ids.erlan, ids.bek2].sort((a, b) => a - b);
      expect(oneByOne.purged.map((p) => p.caseId)).toEqual(all);
      expect(chunk.purged).toEqual(oneByOne.purged);
      expect(byFour.purged).toEqual(oneByOne.purged);
      // The chunk was one transaction (the read of the outbox its own): no case-by-case fallback.
      const reads = nameScanFrom === 1 ? 1 : 0;
      expect(chunk.transactions).toBe(1 + reads);
      expect(oneByOne.transactions).toBe(all.length + reads * all.length);
      for (const [table, rows] of Object.entries(oneByOne.tables)) {
        expect(chunk.tables[table], table).toEqual(rows);
        expect(byFour.tables[table], table).toEqual(rows);
      }

      // What the comparison covers, as purged: each outcome of a learner, and a text naming two learners
      // counted for the first (Әлиев Әли's name is in every message of Әлиев Әлихан's case, stubbed by it).
      const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
      const learner = (caseId: number) =>
        (events.find((e) => e.caseId === caseId)!.details as { learner: Record<string, unknown> }).learner;
      expect(events).toHaveLength(all.length);
      expect(learner(ids.ali)).toMatchObject({
        outcome: "pseudonymised",
        enrolled: false,
        userRow: "deleted",
      });
      expect(learner(ids.alikhan)).toMatchObject({
        outcome: "pseudonymised",
        enrolled: true,
        userRow: "rekeyed",
      });
      expect(learner(ids.bek1)).toEqual({ outcome: "other_case" });
      expect(learner(ids.bek2)).toMatchObject({ outcome: "pseudonymised", enrolled: false });
      expect(learner(ids.dana)).toEqual({ outcome: "other_case" });
      expect(learner(ids.erlan)).toEqual({ outcome: "no_entry" });
      const stubbed = (caseId: number) =>
        (learner(caseId) as { outboxTextsStubbed: number }).outboxTextsStubbed;
      expect(stubbed(ids.ali)).toBeGreaterThan(3); // two notices, his own chat's notice, Әлихан's failed notice
      const drafts = (caseId: number) =>
        (events.find((e) => e.caseId === caseId)!.details as { conversationDrafts: number })
          .conversationDrafts;
      expect([drafts(ids.ali), drafts(ids.bek1), drafts(ids.bek2), drafts(ids.alikhan)]).toEqual([
        1, 1, 0, 0,
      ]);
      const texts = (await h.db.select().from(outbox)).map((o) => String(o.payload.text));
      for (const name of ["Әлиев Әли", "Бекова Бек"])
        expect(texts.filter((t) => t.includes(name))).toEqual([]);
      expect(texts).toContain("Кезекте: Данияр Дана"); // pending, and Дана keeps her entry
    });

  it("two learners on one Telegram account: the chunk is purged case by case, as one by one", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const p = await addStudent(h.db, inst.id, { name: "Пәрменов Пәрмен" });
    const q = await addStudent(h.db, inst.id, { name: "Құдайбергенов Құдайберген" });
    const first = await submit(h, p.user.id);
    const second = await submit(h, q.user.id);
    await h.flush();
    await end(h, first, "closed", "2026-03-05 12:00");
    await end(h, second, "closed", "2026-03-05 12:00");
    // The second entry comes to be bound to the first learner's account too.
    await h.db.execute(sql`UPDATE students SET user_id = ${p.user.id} WHERE id = ${q.student.id}`);
    at(h, "2027-03-14 10:00");
    const { oneByOne, chunk } = await bothWays(h);
    expect(chunk.purged).toEqual(oneByOne.purged);
    expect(chunk.purged.map((c) => c.caseId)).toEqual([first, second]);
    expect(chunk.transactions).toBe(1 + 2); // the chunk, rolled back, then each case
    expect(chunk.tables).toEqual(oneByOne.tables);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
    expect(events.map((e) => (e.details as { learner: { userRow: string } }).learner.userRow).sort()).toEqual(
      ["deleted", "rekeyed"],
    );
  });

  it("a learner who is also an official, with a later case's task messages in their chat: case by case, as one by one", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-02 10:00");
    const learner = await addStudent(h.db, inst.id, { name: "Оқушы Орынбасар" });
    // The deputy's Telegram account is the learner's: the deputy's task messages go to the learner's chat.
    await h.db
      .update(officials)
      .set({ userId: learner.user.id })
      .where(eq(officials.id, s.deputy.official.id));
    const own = await submit(h, learner.user.id);
    const other = await addStudent(h.db, inst.id, { name: "Басқа Басқаұлы" });
    const later = await submit(h, other.user.id);
    await h.flush();
    // Still studying: purged alone, the learner's chat id is cleared on the messages of cases purged so far,
    // which the later case is not yet.
    await end(h, own, "rejected", "2026-03-05 12:00");
    await end(h, later, "closed", "2026-03-05 12:00");
    at(h, "2027-03-14 10:00");
    const { oneByOne, chunk } = await bothWays(h);
    expect(chunk.purged).toEqual(oneByOne.purged);
    expect(chunk.purged.map((c) => c.caseId)).toEqual([own, later]);
    expect(chunk.transactions).toBe(1 + 2);
    expect(chunk.tables).toEqual(oneByOne.tables);
  });

  it("a chunk that fails is purged case by case: the bad case is left whole and reported, the others purged", async () => {
    const h = hr.current;
    const ids = await sixCases(h);
    at(h, "2027-03-14 10:00");
    // A case whose purge fails: the database refuses to delete its report's versions.
    const bad = ids.alikhan;
    await h.db.execute(sql`
      CREATE FUNCTION test_refuse_purge() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await h.db.execute(
      sql.raw(`CREATE TRIGGER test_refuse_purge BEFORE DELETE ON report_versions FOR EACH ROW
        WHEN (OLD.case_id = ${bad}) EXECUTE FUNCTION test_refuse_purge()`),
    );
    try {
      const others = [ids.ali, ids.bek1, ids.dana, ids.erlan, ids.bek2].sort((a, b) => a - b);
      // The jobs' tick: the others purged, the bad case reported (onError) among the tick's errors.
      const tick = await runTick(jobDeps(h), { purge: true });
      expect(tick.purged?.map((p) => p.caseId)).toEqual(others);
      expect(tick.errors).toEqual([expect.stringMatching(new RegExp(`^purge: case ${bad}: `))]);
      // Asked again, with onError: only the bad case is left, and reported again.
      const failed: number[] = [];
      expect(await purgeExpired(h.db, h.clock(), { onError: (caseId) => failed.push(caseId) })).toEqual([]);
      expect(failed).toEqual([bad]);
      const [whole] = await h.db.select().from(cases).where(eq(cases.id, bad));
      expect(whole).toMatchObject({ reasons: REASONS, phone: PHONE, purgedAt: null });
      expect(whole?.studentId).not.toBeNull();
      const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
      expect(events.map((e) => e.caseId).sort((a, b) => a! - b!)).toEqual(others);
      const [entry] = await h.db.select().from(students).where(eq(students.id, whole!.studentId!));
      expect(entry).toMatchObject({ fullName: "Әлиев Әлихан", pseudonymisedAt: null });
      const versions = rowsOf<{ n: number }>(
        await h.db.execute(sql`SELECT count(*)::int AS n FROM report_versions WHERE case_id = ${bad}`),
      );
      expect(versions[0]?.n).toBeGreaterThan(0);

      // Without onError the purge throws, once the others are purged (here: none left but the bad one).
      await expect(purgeExpired(h.db, h.clock())).rejects.toThrow(`left whole: ${bad}`);
    } finally {
      await h.db.execute(sql`DROP TRIGGER test_refuse_purge ON report_versions`);
      await h.db.execute(sql`DROP FUNCTION test_refuse_purge()`);
    }
    // Repaired, the next purge takes it.
    expect((await purgeExpired(h.db, h.clock())).map((p) => p.caseId)).toEqual([bad]);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
    expect(events).toHaveLength(6);
  });
});
