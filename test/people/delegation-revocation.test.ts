/**
 * Issue 12.7: a delegation counts only while the official who delegated is active (and still holds the
 * role); an administrator can end a delegation (`delegation end <id>`, audited); revoking an official
 * cancels what was queued for them.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { checkAccess } from "../../src/cases/act";
import { runCli } from "../../src/cli/run";
import { auditEvents, caseSteps, delegations, outbox } from "../../src/db/schema";
import { actingCapacity, roleHolders } from "../../src/people/holders";
import { addDelegation, revokeAccess } from "../../src/people/officials";
import { addInstitution, addOfficial, addStaff, addStudent } from "../support/fixtures";
import { fileReport, stepButton, tap } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";

const TODAY = "2026-03-20"; // the harness clock's local date (Asia/Almaty)

async function setUp(h: Harness) {
  const inst = await addInstitution(h.db);
  const staff = await addStaff(h.db, inst.id);
  const acting = await addOfficial(h.db, inst.id, ["unit_head"], "Уақытша Т.Т.");
  const d = await addDelegation(
    h.db,
    {
      institutionId: inst.id,
      role: "head",
      fromOfficialId: staff.head.official.id,
      toOfficialId: acting.official.id,
      startsOn: "2026-03-01",
      endsOn: "2026-04-30",
    },
    h.clock(),
  );
  const learner = await addStudent(h.db, inst.id);
  return { inst, staff, acting, delegation: d, learner };
}

const instructStep = async (h: Harness) =>
  (await h.db.select().from(caseSteps).where(eq(caseSteps.key, "instruct")))[0]!;

describe("delegations end with the official who delegated (issue 12.7)", () => {
  const hr = useHarness();

  it("the delegate may not act on behalf of a revoked head, and the head's queued task messages are cancelled", async () => {
    const h = hr.current;
    const { inst, staff, acting, learner } = await setUp(h);
    // While the head is active, the delegate holds the head's role on their behalf.
    expect(await actingCapacity(h.db, acting.official.id, inst.id, "head", TODAY)).toEqual({
      allowed: true,
      onBehalfOfOfficialId: staff.head.official.id,
    });

    // The learner files; the cl. 20 instruction is queued for the head and the delegate, not yet sent.
    await fileReport(h, learner.tg, "own_will");
    const step = await instructStep(h);
    const queuedForHead = await h.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.chatId, staff.head.tg.id), eq(outbox.stepId, step.id)));
    expect(queuedForHead).toHaveLength(1);
    expect(queuedForHead[0]?.state).toBe("pending");

    // The head is revoked before the dispatcher runs.
    const r = await revokeAccess(h.db, { kind: "official", officialId: staff.head.official.id }, h.clock());
    expect(r.messagesCancelled).toBeGreaterThanOrEqual(1);
    expect(r.delegationsEnded).toHaveLength(1);
    await h.flush();
    // Nothing reached the revoked head's chat.
    expect(h.tg.sent("sendMessage", staff.head.tg.id)).toEqual([]);
    const [after] = await h.db.select().from(outbox).where(eq(outbox.id, queuedForHead[0]!.id));
    expect(after?.state).toBe("cancelled");

    // The delegate no longer holds the role, and a press "on behalf of" the revoked head is refused.
    expect((await roleHolders(h.db, inst.id, "head", TODAY)).map((x) => x.officialId)).toEqual([]);
    expect((await actingCapacity(h.db, acting.official.id, inst.id, "head", TODAY)).allowed).toBe(false);
    await h.press(acting.tg, `s:${step.id}:instruct`);
    expect((await instructStep(h)).state).toBe("pending");
    const onBehalf = (await h.db.select().from(auditEvents)).filter(
      (a) => a.onBehalfOfOfficialId === staff.head.official.id && a.action !== "delegation.added",
    );
    expect(onBehalf).toEqual([]);
    const access = await checkAccess(
      h.db,
      step.id,
      "instruct",
      { userId: acting.user.id, officialId: acting.official.id },
      h.clock(),
    );
    expect(access.status).toBe("not_allowed");
  });

  it("a delegation stops counting when the delegating official is deactivated, even if not ended, or loses the role", async () => {
    const h = hr.current;
    const { inst, staff, acting, delegation } = await setUp(h);
    const { officials, officialRoles } = await import("../../src/db/schema");
    // Deactivated directly (as an older revocation left it): the delegation row is still open.
    await h.db.update(officials).set({ active: false }).where(eq(officials.id, staff.head.official.id));
    expect(
      (await h.db.select().from(delegations).where(eq(delegations.id, delegation.id)))[0]?.endedAt,
    ).toBeNull();
    expect((await actingCapacity(h.db, acting.official.id, inst.id, "head", TODAY)).allowed).toBe(false);
    // Active again but without the role: still nothing to act on.
    await h.db.update(officials).set({ active: true }).where(eq(officials.id, staff.head.official.id));
    expect((await actingCapacity(h.db, acting.official.id, inst.id, "head", TODAY)).allowed).toBe(true);
    await h.db.delete(officialRoles).where(eq(officialRoles.officialId, staff.head.official.id));
    expect((await actingCapacity(h.db, acting.official.id, inst.id, "head", TODAY)).allowed).toBe(false);
  });

  it("`delegation end <id>` ends a delegation at once, is audited, and says so when run twice", async () => {
    const h = hr.current;
    const { inst, staff, acting, delegation, learner } = await setUp(h);
    const out: string[] = [];
    const err: string[] = [];
    const io = { db: h.db, out: (s: string) => out.push(s), err: (s: string) => err.push(s), now: h.clock };

    expect(await runCli(["delegation", "end", "--help"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/Usage: npm run admin -- delegation end <delegationId>/);
    out.length = 0;
    expect(await runCli(["help"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/delegation end <delegationId>\s+end a delegation now/);
    out.length = 0;

    expect(await runCli(["delegation", "end", String(delegation.id)], io)).toBe(0);
    expect(out).toEqual([
      `delegation ${delegation.id} ended: official ${acting.official.id} no longer acts as head for official ${staff.head.official.id}`,
    ]);
    expect((await actingCapacity(h.db, acting.official.id, inst.id, "head", TODAY)).allowed).toBe(false);
    const [event] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "delegation.ended"));
    expect(event).toMatchObject({
      institutionId: inst.id,
      onBehalfOfOfficialId: staff.head.official.id,
      details: { delegationId: delegation.id, via: "cli" },
    });

    // The delegate's button no longer works; the head still decides in their own right.
    await fileReport(h, learner.tg, "own_will");
    await h.flush();
    const step = await instructStep(h);
    await h.press(acting.tg, `s:${step.id}:instruct`);
    expect((await instructStep(h)).state).toBe("pending");
    await tap(h, staff.head.tg, stepButton(h, staff.head.tg, "instruct"));
    expect((await instructStep(h)).state).toBe("done");

    expect(await runCli(["delegation", "end", String(delegation.id)], io)).toBe(1);
    expect(err.at(-1)).toBe(`error: delegation ${delegation.id} has already ended`);
    expect(await runCli(["delegation", "end", "999"], io)).toBe(1);
    expect(err.at(-1)).toMatch(/no delegation with id 999/);
    // An ended delegation no longer blocks a new one for the same period.
    await expect(
      addDelegation(
        h.db,
        {
          institutionId: inst.id,
          role: "head",
          fromOfficialId: staff.head.official.id,
          toOfficialId: acting.official.id,
          startsOn: "2026-03-25",
          endsOn: "2026-03-31",
        },
        h.clock(),
      ),
    ).resolves.toMatchObject({ role: "head" });
  });
});
