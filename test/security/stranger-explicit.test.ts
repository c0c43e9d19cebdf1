/**
 * Issue 12.17 without an ambient scope (issue 17, speed): the bot tells the use cases that the sender is a
 * stranger (`strangerOf(ctx.identity)`), they put it in the audit entry, and audit() decides from the entry
 * alone. So a stranger's refusal is counted and anyone else's is written, even when both are handled at the
 * same moment, and a use case called without the bot's word (the CLI, a job) audits as it always did.
 */
import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { audit, auditMany } from "../../src/audit";
import { auditEvents, strangerActivity } from "../../src/db/schema";
import { redeemInvite } from "../../src/people/invites";
import { addInstitution, addStudent } from "../support/fixtures";
import { filedWithEndorse } from "../support/flows";
import { newUser, useHarness } from "../support/harness";

describe("stranger noise decided by the audit entry", () => {
  const hr = useHarness();

  it("audit() and auditMany(): a stranger's noise is counted; their other actions and others' are written", async () => {
    const { db, clock } = hr.current;
    const at = clock();
    const stranger = { telegramId: 770_001 };
    await audit(db, { at, action: "step.refused", stranger });
    await audit(db, { at, action: "step.refused", actorUserId: null });
    await audit(db, { at, action: "x.not_noise", stranger });
    await auditMany(db, [
      { at, action: "invite.refused", stranger },
      { at, action: "x.after", caseId: 5 },
    ]);
    const rows = await db.select().from(auditEvents).orderBy(asc(auditEvents.id));
    expect(rows.map((r) => r.action)).toEqual(["stranger.noise", "step.refused", "x.not_noise", "x.after"]);
    expect(rows[0]?.details).toMatchObject({ telegramId: stranger.telegramId, first: "step.refused" });
    expect(await db.select().from(strangerActivity)).toMatchObject([
      { telegramId: stranger.telegramId, count: 2, kinds: { "step.refused": 1, "invite.refused": 1 } },
    ]);
  });

  it("a stranger's and an official's forged presses handled at the same moment each go their own way", async () => {
    const h = hr.current;
    const { staff, endorse } = await filedWithEndorse(h);
    const stranger = newUser("Stranger");
    const presses: Promise<void>[] = [];
    for (let i = 0; i < 4; i++) {
      presses.push(h.press(stranger, `s:${endorse.id}:agree`));
      presses.push(h.press(staff.personnel.tg, `s:${endorse.id}:agree`));
    }
    await Promise.all(presses);
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"));
    expect(refused).toHaveLength(4);
    expect(new Set(refused.map((r) => r.actorOfficialId))).toEqual(new Set([staff.personnel.official.id]));
    expect(await h.db.select().from(strangerActivity)).toMatchObject([
      { telegramId: stranger.id, count: 4, kinds: { "step.refused": 4 } },
    ]);
  });

  it("redeemInvite: refusals are the stranger's noise when the caller says so, even with a users row", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const { user, tg } = await addStudent(h.db, inst.id);
    const token = () => randomBytes(24).toString("base64url");
    expect(await redeemInvite(h.db, token(), user.id, h.clock(), { telegramId: tg.id })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(await h.db.select().from(strangerActivity)).toMatchObject([
      { telegramId: tg.id, count: 1, kinds: { "invite.refused": 1 } },
    ]);
    // Without the stranger (a known account, or a caller outside the bot): one audit row per refusal.
    await redeemInvite(h.db, token(), user.id, h.clock());
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "invite.refused"));
    expect(refused).toMatchObject([{ actorUserId: user.id, details: { reason: "invalid" } }]);
  });
});
