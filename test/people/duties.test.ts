/**
 * Issue 12.8, separation of duties: one Telegram account is a learner or an official, never both (an invite
 * of the other kind is refused with a clear message), and in any case nobody acts on a step of a case whose
 * learner is themselves.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { checkAccess } from "../../src/cases/act";
import { auditEvents, caseSteps, officialRoles, officials, students } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { createOfficialInvite } from "../../src/people/officials";
import { importRoster, issueStudentInvites } from "../../src/people/roster";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, stepButton } from "../support/flows";
import { newUser, useHarness } from "../support/harness";
import { csv, HEADER, official } from "./fixtures";

describe("separation of duties (issue 12.8)", () => {
  const hr = useHarness();

  it("an official's account cannot be bound as a learner, nor a learner's as an official; the refusal says why in the user's language", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const { studentIds } = await importRoster(
      h.db,
      inst.id,
      csv(HEADER, "Ж-1,Әбішев Нұрлан,курсант,курсант,,1,,", "Ж-2,Өмірзақова Ұлжан,курсант,cadet,,1,,"),
      h.clock(),
    );
    const [first, second] = await issueStudentInvites(h.db, inst.id, studentIds, h.clock());
    const head = await official(h.db, inst.id, ["head"]);
    const deputy = await official(h.db, inst.id, ["deputy_personnel"], "Орынбасар Қ.Қ.");
    const headInvite = await createOfficialInvite(h.db, head.id, h.clock());
    const deputyInvite = await createOfficialInvite(h.db, deputy.id, h.clock());

    // An official (bound first) follows a learner's link.
    const officialAccount = newUser("Ерлан");
    await h.command(officialAccount, "start", headInvite.token);
    expect(h.tg.textsTo(officialAccount.id)).toContain(tFor("kk")("invite.ok_official"));
    await h.command(officialAccount, "start", first!.token);
    expect(h.tg.lastTextTo(officialAccount.id)).toBe(tFor("kk")("duties.official_as_learner"));
    const [entry] = await h.db.select().from(students).where(eq(students.id, first!.studentId));
    expect(entry?.userId).toBeNull();

    // A learner (bound first, Russian) follows an official's link.
    const learnerAccount = newUser("Ұлжан");
    await h.command(learnerAccount, "start", second!.token);
    await h.press(learnerAccount, "lang:ru");
    await h.command(learnerAccount, "start", deputyInvite.token);
    expect(h.tg.lastTextTo(learnerAccount.id)).toBe(tFor("ru")("duties.learner_as_official"));
    const [o] = await h.db.select().from(officials).where(eq(officials.id, deputy.id));
    expect(o?.userId).toBeNull();

    // Both refusals are audited (known accounts: not stranger noise), with the reason.
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "invite.refused"));
    expect(refused.map((r) => (r.details as { reason: string }).reason)).toEqual(["duties", "duties"]);
    // The links are still unused: the right person can still use them.
    const right = newUser("Нұрлан");
    await h.command(right, "start", first!.token);
    expect(h.tg.textsTo(right.id)).toContain(tFor("kk")("invite.ok_student"));
  });

  it("an account bound both ways (before this rule) cannot act on its own case", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addStaff(h.db, inst.id);
    // The learner's account is also bound to a second deputy head for personnel work.
    const learner = await addStudent(h.db, inst.id);
    const [o] = await h.db
      .insert(officials)
      .values({
        institutionId: inst.id,
        fullName: "Екі Рөлді",
        position: "Орынбасар",
        userId: learner.user.id,
      })
      .returning();
    await h.db.insert(officialRoles).values({ officialId: o!.id, role: "deputy_personnel" });

    await fileReport(h, learner.tg, "own_will");
    await h.flush();
    // As a holder of the role they were sent the task message with its buttons…
    const press = stepButton(h, learner.tg, "agree");
    const [endorse] = await h.db.select().from(caseSteps).where(eq(caseSteps.key, "endorse"));
    expect(press).toBe(`s:${endorse!.id}:agree`);
    // …but giving the opinion on their own report is refused, and nothing changes.
    await h.press(learner.tg, press);
    expect(String(h.tg.sent("answerCallbackQuery").at(-1)?.text)).toBe(tFor("kk")("act.not_allowed"));
    const [after] = await h.db.select().from(caseSteps).where(eq(caseSteps.id, endorse!.id));
    expect(after?.state).toBe("pending");
    const access = await checkAccess(
      h.db,
      endorse!.id,
      "agree",
      { userId: learner.user.id, officialId: o!.id },
      h.clock(),
    );
    expect(access.status).toBe("not_allowed");
    const refusals = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"));
    expect(refusals).toHaveLength(1);
  });
});
