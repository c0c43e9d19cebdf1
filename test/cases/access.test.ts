// Who may see what of a case (src/cases/access.ts) and the read-only use cases the bot reads through
// (src/cases/queries.ts, src/people/officials.ts), so that src/bot holds no SQL and no authorization.
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { isLearnersCase, mayReadTrail, officialMaySeeCase } from "../../src/cases/access";
import { getCase, getStep, learnerNameOf, pendingSteps, trailFor, viewCase } from "../../src/cases/queries";
import { auditEvents, caseSteps, officials, students } from "../../src/db/schema";
import { adminScope, officialInScope, officialsToInvite } from "../../src/people/officials";
import type { Role } from "../../src/rules";
import { at, fileCase, staff, stepOf } from "../jobs/helpers";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { type Harness, useHarness } from "../support/harness";

const viewer = (p: { official: { id: number; institutionId: number } }, roles: Role[], isAdmin = false) => ({
  official: { ...p.official, roles },
  isAdmin,
});

describe("who may see what of a case", () => {
  const hr = useHarness();

  async function twoInstitutions(h: Harness) {
    at(h, "2026-03-18 09:00");
    const a = await addInstitution(h.db, "AAA");
    const b = await addInstitution(h.db, "BBB");
    const sa = await staff(h, a.id);
    const sb = await staff(h, b.id);
    const caseId = await fileCase(h, a.id, "own_will", { name: "Нұрғалиев Әбілқайыр" });
    return { a, b, sa, sb, caseId };
  }

  it("viewCase: the case with the roles the official holds today; another institution's is refused and audited", async () => {
    const h = hr.current;
    const { sa, sb, caseId } = await twoInstitutions(h);
    const mine = await viewCase(h.db, { official: sa.deputy.official, userId: null }, caseId, h.clock());
    expect(mine?.cc.c.id).toBe(caseId);
    expect([...(mine?.myRoles ?? [])]).toEqual(["deputy_personnel"]);
    expect(await viewCase(h.db, { official: sb.head.official, userId: null }, caseId, h.clock())).toBeNull();
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.view_refused"));
    expect(refused.map((r) => [r.actorOfficialId, r.details])).toEqual([[sb.head.official.id, { caseId }]]);
  });

  it("the audit trail: the head or an administrator of the case's institution, nobody else", async () => {
    const h = hr.current;
    const { sa, sb, caseId } = await twoInstitutions(h);
    expect(mayReadTrail(viewer(sa.head, ["head"]))).toBe(true);
    expect(mayReadTrail(viewer(sa.deputy, ["deputy_personnel"]))).toBe(false);
    expect(mayReadTrail(viewer(sa.deputy, ["deputy_personnel"], true))).toBe(true);
    expect(mayReadTrail({ official: null, isAdmin: true })).toBe(false);

    const trail = await trailFor(h.db, viewer(sa.head, ["head"]), caseId);
    expect(trail?.events.map((e) => e.action)).toContain("case.submitted");
    expect(trail?.events.every((e) => e.caseId === caseId)).toBe(true);
    expect(trail?.officialNames.get(sa.head.official.id)).toBe("Head H.H.");
    // Another institution's official never sees its officials' names.
    expect(trail?.officialNames.has(sb.head.official.id)).toBe(false);

    expect(await trailFor(h.db, viewer(sb.head, ["head"]), caseId)).toBeNull();
    expect(await trailFor(h.db, viewer(sa.deputy, ["deputy_personnel"]), caseId)).toBeNull();
    expect(await trailFor(h.db, viewer(sa.head, ["head"]), caseId + 1000)).toBeNull();
  });

  it("a case and its documents: officials of its institution; the learner's own report: only the learner", async () => {
    const h = hr.current;
    const { sa, sb, caseId } = await twoInstitutions(h);
    expect(await officialMaySeeCase(h.db, sa.personnel.official, caseId)).toBe(true);
    expect(await officialMaySeeCase(h.db, sb.head.official, caseId)).toBe(false);
    expect(await officialMaySeeCase(h.db, null, caseId)).toBe(false);
    expect(await officialMaySeeCase(h.db, sa.head.official, caseId + 1000)).toBe(false);

    const c = await getCase(h.db, caseId);
    expect(c?.state).toBe("open");
    expect(await getCase(h.db, caseId + 1000)).toBeNull();
    expect(await learnerNameOf(h.db, c!)).toBe("Нұрғалиев Әбілқайыр");
    expect(await learnerNameOf(h.db, { studentId: null })).toBeNull();

    const [learner] = await h.db
      .select({ userId: students.userId })
      .from(students)
      .where(eq(students.id, c!.studentId!));
    const learnerUser = learner!.userId;
    const other = await addStudent(h.db, c!.institutionId);
    expect(await isLearnersCase(h.db, learnerUser, caseId)).toBe(true);
    expect(await isLearnersCase(h.db, other.user.id, caseId)).toBe(false);
    expect(await isLearnersCase(h.db, null, caseId)).toBe(false);

    const endorse = await stepOf(h.db, caseId, "endorse");
    expect((await getStep(h.db, endorse.id))?.key).toBe("endorse");
    expect(await getStep(h.db, endorse.id + 1000)).toBeNull();
  });

  it("pendingSteps: the pending steps of active cases at the institutions asked, narrowed by a condition", async () => {
    const h = hr.current;
    const { a, b, caseId } = await twoInstitutions(h);
    const all = await pendingSteps(h.db, [a.id]);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((s) => s.caseId === caseId && s.institutionId === a.id)).toBe(true);
    expect(await pendingSteps(h.db, [b.id])).toEqual([]);
    const some = await pendingSteps(h.db, [a.id], inArray(caseSteps.key, ["endorse", "instruct"]));
    expect(some.map((s) => s.key).sort()).toEqual(["endorse", "instruct"]);
    // Done and cancelled steps are not pending.
    await h.db
      .update(caseSteps)
      .set({ state: "done" })
      .where(inArray(caseSteps.key, ["endorse"]));
    expect((await pendingSteps(h.db, [a.id])).map((s) => s.key)).not.toContain("endorse");
  });
});

describe("an administrator's scope (/invite)", () => {
  const hr = useHarness();

  it("those in ADMIN_TELEGRAM_IDS reach every institution, an administrator by role only their own", async () => {
    const h = hr.current;
    const a = await addInstitution(h.db, "AAA");
    const b = await addInstitution(h.db, "BBB");
    const admin = await addOfficial(h.db, a.id, ["admin"], "Admin A.A.");
    expect(adminScope(true, admin.official)).toBeNull();
    expect(adminScope(false, admin.official)).toBe(a.id);
    expect(adminScope(false, null)).toBe(-1);

    // Officials without a Telegram account: one per institution, and a deactivated one at a.
    const [ua, ub, gone] = await h.db
      .insert(officials)
      .values([
        { institutionId: a.id, fullName: "Unbound A" },
        { institutionId: b.id, fullName: "Unbound B" },
        { institutionId: a.id, fullName: "Gone A", active: false },
      ])
      .returning();
    const listed = (scope: number | null) =>
      officialsToInvite(h.db, scope).then((l) => l.map((o) => o.fullName));
    expect(await listed(a.id)).toEqual(["Unbound A"]);
    expect(await listed(null)).toEqual(["Unbound A", "Unbound B"]);
    expect(await listed(-1)).toEqual([]);

    expect((await officialInScope(h.db, a.id, ua!.id))?.fullName).toBe("Unbound A");
    expect(await officialInScope(h.db, a.id, ub!.id)).toBeNull();
    expect((await officialInScope(h.db, null, ub!.id))?.fullName).toBe("Unbound B");
    expect((await officialInScope(h.db, a.id, gone!.id))?.active).toBe(false);
  });
});
