/** Invite links bound through the bot, refusals, and revocation taking effect on the next update. */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditEvents, invites, officials, strangerActivity, students, users } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { createInvite, INVITE_TTL_DAYS } from "../../src/people/invites";
import { createOfficialInvite, revokeAccess } from "../../src/people/officials";
import { importRoster, issueRosterInvites, issueStudentInvites } from "../../src/people/roster";
import { newUser, type TgUser, useHarness } from "../support/harness";
import { csv, HEADER, institution, official } from "./fixtures";

const t = tFor("kk");

describe("invites through the bot", () => {
  const h = useHarness();
  let institutionId: number;
  let studentTokens: string[];
  let studentIds: number[];

  beforeEach(async () => {
    const db = h.current.db;
    institutionId = (await institution(db)).id;
    ({ studentIds } = await importRoster(
      db,
      institutionId,
      csv(HEADER, "Ж-1,Әбішев Нұрлан,курсант,курсант,,1,,", "Ж-2,Өмірзақова Ұлжан,курсант,cadet,,1,,"),
      h.current.clock(),
    ));
    studentTokens = (await issueStudentInvites(db, institutionId, studentIds, h.current.clock())).map(
      (i) => i.token,
    );
  });

  const userIdOf = async (u: TgUser) =>
    (await h.current.db.select().from(users).where(eq(users.telegramId, u.id)))[0]?.id;
  const studentRow = async (id: number) =>
    (await h.current.db.select().from(students).where(eq(students.id, id)))[0]!;
  const boundStudents = async () =>
    (await h.current.db.select().from(students)).filter((s) => s.userId !== null).map((s) => s.id);

  it("binds a student and greets them by name", async () => {
    const u = newUser("Нұрлан");
    await h.current.command(u, "start", studentTokens[0]);
    expect((await studentRow(studentIds[0]!)).userId).toBe(await userIdOf(u));
    const texts = h.current.tg.textsTo(u.id);
    expect(texts).toContain(t("invite.ok_student"));
    expect(h.current.tg.lastTextTo(u.id)).toContain(t("start.student", { name: "Әбішев Нұрлан" }));
  });

  it("binds an official made with the admin functions", async () => {
    const o = await official(h.current.db, institutionId, ["head"]);
    const { token } = await createOfficialInvite(h.current.db, o.id, h.current.clock());
    const u = newUser("Ерлан");
    await h.current.command(u, "start", token);
    const [row] = await h.current.db.select().from(officials).where(eq(officials.id, o.id));
    expect(row?.userId).toBe(await userIdOf(u));
    expect(h.current.tg.textsTo(u.id)).toContain(t("invite.ok_official"));
    expect(h.current.tg.lastTextTo(u.id)).toContain(t("start.official", { name: o.fullName }));
  });

  it("refuses an expired token and binds nothing", async () => {
    h.current.clock.advance(INVITE_TTL_DAYS * 86_400_000 + 1000);
    const u = newUser();
    await h.current.command(u, "start", studentTokens[0]);
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("invite.expired"));
    expect(await boundStudents()).toEqual([]);
  });

  it("refuses a used token to a second account", async () => {
    const first = newUser();
    const second = newUser();
    await h.current.command(first, "start", studentTokens[0]);
    await h.current.command(second, "start", studentTokens[0]);
    expect(h.current.tg.lastTextTo(second.id)).toBe(t("invite.used"));
    expect((await studentRow(studentIds[0]!)).userId).toBe(await userIdOf(first));
  });

  it("refuses forged, malformed and revoked tokens and binds nothing", async () => {
    const u = newUser();
    await h.current.command(u, "start", randomBytes(24).toString("base64url"));
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("invite.invalid"));
    await h.current.command(u, "start", "not-a-token");
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("invite.invalid"));
    // New links asked for (the CLI's --new-links) revoke the old ones.
    await issueRosterInvites(h.current.db, institutionId, studentIds, h.current.clock(), { reissue: true });
    await h.current.command(u, "start", studentTokens[1]);
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("invite.invalid"));
    expect(await boundStudents()).toEqual([]);
    // A stranger's refusals are counted, one row a day, not audited one by one (issue 12.17); the
    // malformed token is refused before any lookup and not counted.
    expect(
      await h.current.db.select().from(auditEvents).where(eq(auditEvents.action, "invite.refused")),
    ).toEqual([]);
    const noise = await h.current.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "stranger.noise"));
    expect(noise).toHaveLength(1);
    expect(noise[0]?.details).toMatchObject({ telegramId: u.id, first: "invite.refused" });
    const [counted] = await h.current.db.select().from(strangerActivity);
    expect(counted).toMatchObject({ telegramId: u.id, count: 2, kinds: { "invite.refused": 2 } });
    // …and no users row for someone who only guessed.
    expect(await userIdOf(u)).toBeUndefined();
  });

  it("does not let a second account take an entry that is already bound", async () => {
    const owner = newUser();
    await h.current.command(owner, "start", studentTokens[0]);
    // A second live invite for the same entry (e.g. made before the first was used).
    const { token } = await createInvite(
      h.current.db,
      { institutionId, studentId: studentIds[0]! },
      h.current.clock(),
    );
    const intruder = newUser();
    await h.current.command(intruder, "start", token);
    expect(h.current.tg.lastTextTo(intruder.id)).toBe(t("invite.taken"));
    expect((await studentRow(studentIds[0]!)).userId).toBe(await userIdOf(owner));
    // Refused before anything is written for the intruder: no users row (issue 12.17).
    expect(await userIdOf(intruder)).toBeUndefined();
  });

  it("does not bind one account to a second student entry", async () => {
    const u = newUser();
    await h.current.command(u, "start", studentTokens[0]);
    await h.current.command(u, "start", studentTokens[1]);
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("invite.already_bound"));
    expect(await boundStudents()).toEqual([studentIds[0]]);
  });

  it("revoking a student takes effect on the next update", async () => {
    const u = newUser();
    await h.current.command(u, "start", studentTokens[0]);
    const res = await revokeAccess(
      h.current.db,
      { kind: "student", studentId: studentIds[0]! },
      h.current.clock(),
    );
    expect(res).toMatchObject({ changed: true, wasBound: true });
    await h.current.command(u, "start");
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("start.unknown", { id: u.id }));
    // The student stays on the roster, unbound, and can be invited again.
    const row = await studentRow(studentIds[0]!);
    expect(row).toMatchObject({ userId: null, active: true });
    const [again] = await issueStudentInvites(h.current.db, institutionId, [row.id], h.current.clock());
    await h.current.command(u, "start", again!.token);
    expect(h.current.tg.textsTo(u.id)).toContain(t("invite.ok_student"));
  });

  it("revoking an official deactivates them, cancels their unused invites and takes effect at once", async () => {
    const o = await official(h.current.db, institutionId, ["head"]);
    const { token } = await createOfficialInvite(h.current.db, o.id, h.current.clock());
    const u = newUser();
    await h.current.command(u, "start", token);
    const spare = await createOfficialInvite(h.current.db, o.id, h.current.clock()).catch((e: Error) => e);
    expect(spare).toBeInstanceOf(Error); // already bound: no second link
    const res = await revokeAccess(h.current.db, { kind: "official", officialId: o.id }, h.current.clock());
    expect(res).toMatchObject({ changed: true, wasBound: true });
    await h.current.command(u, "start");
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("start.unknown", { id: u.id }));
    const [row] = await h.current.db.select().from(officials).where(eq(officials.id, o.id));
    expect(row).toMatchObject({ userId: null, active: false });
    const [event] = await h.current.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "access.revoked"));
    expect(event).toMatchObject({ before: { active: true }, after: { userId: null, active: false } });
  });

  it("cancels a revoked official's unused invite, which then cannot bind", async () => {
    const o = await official(h.current.db, institutionId, ["unit_head"]);
    const { token } = await createOfficialInvite(h.current.db, o.id, h.current.clock());
    const res = await revokeAccess(h.current.db, { kind: "official", officialId: o.id }, h.current.clock());
    expect(res).toMatchObject({ wasBound: false, invitesRevoked: 1 });
    const u = newUser();
    await h.current.command(u, "start", token);
    expect(h.current.tg.lastTextTo(u.id)).toBe(t("invite.invalid"));
    const [inv] = await h.current.db.select().from(invites).where(eq(invites.officialId, o.id));
    expect(inv?.revokedAt).not.toBeNull();
  });
});
