/**
 * Issue 12.10: after the one-year purge the learner cannot be re-identified. The audit trail keeps only
 * ids (actor user ids, the roster entry id of an invite); once the learner has no other case, the roster
 * entry is pseudonymised and the Telegram account's users row goes (or is replaced under a new id when
 * the learner is still studying), the chat id on their purged messages is cleared and sent texts naming
 * them are stubbed, so those ids join to nothing personal.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/cases/retention";
import { submitReport } from "../../src/cases/submit";
import { auditEvents, cases, invites, outbox, students, users } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { importRoster, issueStudentInvites } from "../../src/people/roster";
import type { CaseState } from "../../src/rules";
import { addInstitution, addStaff } from "../support/fixtures";
import { fileReport, REASONS } from "../support/flows";
import { type Harness, newUser, type TgUser, useHarness } from "../support/harness";
import { almaty, at } from "./helpers";

const NAME = "Сейітқали Бауыржан Ерланұлы";
const NUMBER = "Ж-777";
const HEADER = "personal_number,full_name,rank,category,faculty,course,group,sending_unit";

/** A learner on the roster, bound through their invite link (so the audit trail names their entry id). */
async function enrolledLearner(
  h: Harness,
  institutionId: number,
): Promise<{ tg: TgUser; studentId: number; userId: number }> {
  const { studentIds } = await importRoster(
    h.db,
    institutionId,
    `${HEADER}\r\n${NUMBER},${NAME},курсант,курсант,Тергеу факультеті,2,Т-21-ерекше,\r\n`,
    h.clock(),
  );
  const [invite] = await issueStudentInvites(h.db, institutionId, studentIds, h.clock());
  const tg = newUser("Бауыржан");
  await h.command(tg, "start", invite!.token);
  const [u] = await h.db.select().from(users).where(eq(users.telegramId, tg.id));
  return { tg, studentId: studentIds[0]!, userId: u!.id };
}

/** Ends the learner's only case (as the chain would) at an Almaty time. */
async function endCase(h: Harness, caseId: number, state: CaseState, endedAt: string) {
  await h.db
    .update(cases)
    .set({ state, closedAt: almaty(endedAt), outcomeReason: state === "rejected" ? "Негіздер жоқ." : null })
    .where(eq(cases.id, caseId));
}

const rows = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[];

/** Every row of every table, as text: nothing may name the learner. */
async function dumpAll(h: Harness): Promise<string> {
  const tables = rows<{ t: string }>(
    await h.db.execute(sql`select tablename as t from pg_tables where schemaname = 'public' order by 1`),
  ).map((r) => r.t);
  let text = "";
  for (const t of tables) text += JSON.stringify(rows(await h.db.execute(sql.raw(`select * from "${t}"`))));
  return text;
}

describe("re-identification after the purge (issue 12.10)", () => {
  const hr = useHarness({ now: "2026-03-20T04:00:00Z" });

  it("a learner who left: the roster entry is pseudonymised, the users row gone, the audit's ids join to nothing", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const learner = await enrolledLearner(h, inst.id);
    await fileReport(h, learner.tg, "own_will");
    await h.flush();
    const [c] = await h.db.select().from(cases);
    // A digest that named the learner among several cases (no case id on it) was sent to the head.
    await h.db.insert(outbox).values({
      chatId: staff.head.tg.id,
      method: "sendMessage",
      payload: { text: `Бүгінгі істер: № ${c!.id} ${NAME}; № 99 Басқа Б.` },
      state: "sent",
    });
    await endCase(h, c!.id, "closed", "2026-03-20 15:00");
    expect(await dumpAll(h)).toContain(NAME); // before the purge, of course

    at(h, "2027-03-21 00:30");
    expect((await purgeExpired(h.db, h.clock())).map((p) => p.caseId)).toEqual([c!.id]);

    const [entry] = await h.db.select().from(students).where(eq(students.id, learner.studentId));
    expect(entry).toMatchObject({
      personalNumber: `PURGED-${learner.studentId}`,
      fullName: "",
      rank: "",
      groupName: "",
      faculty: "",
      course: "",
      sendingUnit: "",
      userId: null,
      active: false,
    });
    expect(entry?.pseudonymisedAt?.toISOString()).toBe(h.clock().toISOString());
    // The account is unlinked: no users row for the Telegram id, none for the old id.
    expect(await h.db.select().from(users).where(eq(users.telegramId, learner.tg.id))).toEqual([]);
    expect(await h.db.select().from(users).where(eq(users.id, learner.userId))).toEqual([]);
    // The audit trail still has the learner's events by id…
    const mine = await h.db.select().from(auditEvents).where(eq(auditEvents.actorUserId, learner.userId));
    expect(mine.map((a) => a.action)).toEqual(expect.arrayContaining(["invite.redeemed", "case.submitted"]));
    // …and they join to nothing personal: no users row, an entry without a name.
    const joined = rows<{ n: number }>(
      await h.db.execute(sql`
        select count(*)::int as n from audit_events a
        join users u on u.id = a.actor_user_id
        left join students s on s.user_id = u.id
        where a.actor_user_id = ${learner.userId} or s.full_name = ${NAME}`),
    );
    expect(joined[0]?.n).toBe(0);
    // No table names them; no message row keeps their chat id.
    const dump = await dumpAll(h);
    for (const secret of [NAME, NUMBER, "Т-21-ерекше", REASONS]) expect(dump).not.toContain(secret);
    expect(await h.db.select().from(outbox).where(eq(outbox.chatId, learner.tg.id))).toEqual([]);
    const [event] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
    expect((event!.details as { learner: unknown }).learner).toMatchObject({
      outcome: "pseudonymised",
      enrolled: false,
      userRow: "deleted",
    });
  });

  it("a learner still studying (report rejected) carries on under new ids; the purged case joins to nothing", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const learner = await enrolledLearner(h, inst.id);
    await fileReport(h, learner.tg, "own_will");
    await h.flush();
    const [c] = await h.db.select().from(cases);
    await endCase(h, c!.id, "rejected", "2026-03-25 12:00");
    // Their sex (the report's grammar) and their choice of language carry over to the new ids.
    await h.db.update(students).set({ sex: "F" }).where(eq(students.id, learner.studentId));
    await h.db.update(users).set({ langChosen: true }).where(eq(users.id, learner.userId));

    at(h, "2027-03-26 10:00");
    expect((await purgeExpired(h.db, h.clock())).map((p) => p.caseId)).toEqual([c!.id]);

    // The entry the audit trail names is pseudonymised…
    const [old] = await h.db.select().from(students).where(eq(students.id, learner.studentId));
    expect(old).toMatchObject({ fullName: "", personalNumber: `PURGED-${learner.studentId}`, userId: null });
    // …and the learner carries on: a fresh entry with the same roster data, a new users row.
    const [fresh] = await h.db.select().from(students).where(eq(students.personalNumber, NUMBER));
    expect(fresh).toMatchObject({ fullName: NAME, active: true, sex: "F" });
    expect(fresh!.id).not.toBe(learner.studentId);
    const [account] = await h.db.select().from(users).where(eq(users.telegramId, learner.tg.id));
    expect(account!.id).not.toBe(learner.userId);
    expect(account).toMatchObject({ lang: "kk", langChosen: true });
    expect(fresh!.userId).toBe(account!.id);
    expect(await h.db.select().from(users).where(eq(users.id, learner.userId))).toEqual([]);
    // The case's audit rows name an id that is nobody now; the case's messages keep no chat id of theirs.
    const caseAudit = await h.db.select().from(auditEvents).where(eq(auditEvents.caseId, c!.id));
    expect(caseAudit.some((a) => a.actorUserId === learner.userId)).toBe(true);
    const [case_] = await h.db.select().from(cases).where(eq(cases.id, c!.id));
    expect(case_?.studentId).toBeNull();
    const caseMessages = await h.db.select().from(outbox).where(eq(outbox.caseId, c!.id));
    expect(caseMessages.length).toBeGreaterThan(0);
    expect(caseMessages.some((m) => m.chatId === learner.tg.id)).toBe(false);
    // The bot still knows them, by name, and lets them report again.
    await h.command(learner.tg, "start");
    expect(h.tg.lastTextTo(learner.tg.id)).toContain(tFor("kk")("start.student", { name: NAME }));
    await h.command(learner.tg, "report");
    expect(h.tg.lastTextTo(learner.tg.id)).not.toBe(tFor("kk")("report.not_student"));
    // Re-importing the roster matches the fresh entry, not the pseudonym.
    const again = await importRoster(
      h.db,
      inst.id,
      `${HEADER}\r\n${NUMBER},${NAME},курсант,курсант,Тергеу факультеті,2,Т-21-ерекше,\r\n`,
      h.clock(),
    );
    expect(again).toMatchObject({ created: 0, unchanged: 1, studentIds: [fresh!.id] });
    expect(await h.db.select().from(invites).where(eq(invites.studentId, learner.studentId))).toEqual([]);
  });

  it("a learner with another case still retained keeps their entry until that case is purged too", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    const learner = await enrolledLearner(h, inst.id);
    const submit = async () => {
      const r = await submitReport(
        h.db,
        {
          userId: learner.userId,
          ground: "own_will",
          reasons: REASONS,
          conscriptServed: false,
          phone: null,
          reportLang: "kk",
        },
        h.clock(),
      );
      if (!r.ok) throw new Error(r.reason);
      return r.caseId;
    };
    const first = await submit();
    await endCase(h, first, "withdrawn", "2026-03-20 12:00");
    at(h, "2026-09-01 10:00");
    const second = await submit();
    await endCase(h, second, "closed", "2026-10-01 12:00");

    at(h, "2027-03-22 10:00");
    expect((await purgeExpired(h.db, h.clock())).map((p) => p.caseId)).toEqual([first]);
    const [still] = await h.db.select().from(students).where(eq(students.id, learner.studentId));
    expect(still).toMatchObject({ fullName: NAME, personalNumber: NUMBER, pseudonymisedAt: null });
    const purged = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.purged"));
    expect((purged[0]!.details as { learner: unknown }).learner).toEqual({ outcome: "other_case" });

    at(h, "2027-10-03 10:00");
    expect((await purgeExpired(h.db, h.clock())).map((p) => p.caseId)).toEqual([second]);
    const [gone] = await h.db.select().from(students).where(eq(students.id, learner.studentId));
    expect(gone).toMatchObject({ fullName: "", personalNumber: `PURGED-${learner.studentId}` });
    expect(await h.db.select().from(users).where(eq(users.telegramId, learner.tg.id))).toEqual([]);
  });
});
