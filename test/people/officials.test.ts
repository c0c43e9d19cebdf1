import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { auditEvents, officials, users } from "../../src/db/schema";
import { InputError } from "../../src/errors";
import {
  activeHolders,
  addDelegation,
  changeRoles,
  getOfficial,
  listPeople,
  revokeAccess,
} from "../../src/people/officials";
import { importRoster } from "../../src/people/roster";
import { resetDatabase, testDatabase } from "../support/db";
import { csv, HEADER, institution, NOW, official } from "./fixtures";

let database: Database;
let institutionId: number;
let nextTelegramId = 900_000;

beforeEach(async () => {
  database = await testDatabase();
  await resetDatabase(database);
  institutionId = (await institution(database.db)).id;
});

/** Binds an official to a fresh Telegram account, as redeeming an invite would. */
async function bind(officialId: number): Promise<number> {
  const [u] = await database.db.insert(users).values({ telegramId: ++nextTelegramId }).returning();
  await database.db.update(officials).set({ userId: u!.id }).where(eq(officials.id, officialId));
  return u!.telegramId;
}

describe("officials and roles", () => {
  it("adds an official with roles and audits without the name", async () => {
    const o = await official(database.db, institutionId, ["head", "admin", "head"]);
    expect(o.roles).toEqual(["admin", "head"]);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "official.added"));
    expect(event).toMatchObject({ institutionId, after: { officialId: o.id, roles: ["head", "admin"] } });
    expect(JSON.stringify(event)).not.toContain(o.fullName);
  });

  it("refuses unknown roles, empty names and no roles", async () => {
    await expect(official(database.db, institutionId, ["rector"])).rejects.toThrow(
      /unknown role rector: use head/,
    );
    await expect(official(database.db, institutionId, [])).rejects.toThrow("give at least one role");
    await expect(official(database.db, institutionId, ["head"], "  ")).rejects.toThrow(InputError);
    await expect(official(database.db, institutionId, ["head"], "Name\nInjected")).rejects.toThrow(
      /control character/,
    );
  });

  it("adds and removes roles and records before and after", async () => {
    const o = await official(database.db, institutionId, ["head"]);
    const res = await changeRoles(database.db, o.id, { add: ["admin", "head"], remove: [] }, NOW);
    expect(res).toEqual({ before: ["head"], after: ["admin", "head"] });
    expect(await changeRoles(database.db, o.id, { remove: ["head"] }, NOW)).toEqual({
      before: ["admin", "head"],
      after: ["admin"],
    });
    expect((await getOfficial(database.db, o.id))?.roles).toEqual(["admin"]);
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "official.roles_changed"));
    expect(events.map((e) => [e.before, e.after])).toEqual([
      [{ roles: ["head"] }, { roles: ["admin", "head"] }],
      [{ roles: ["admin", "head"] }, { roles: ["admin"] }],
    ]);
    await expect(changeRoles(database.db, o.id, { add: ["head"], remove: ["head"] }, NOW)).rejects.toThrow(
      "both added and removed",
    );
    await expect(changeRoles(database.db, 999, { add: ["head"] }, NOW)).rejects.toThrow(
      "no official with id 999",
    );
  });

  it("lists students and officials with whether they are bound", async () => {
    const o = await official(database.db, institutionId, ["head"]);
    await official(database.db, institutionId, ["unit_head"], "Бекова Айгүл");
    await bind(o.id);
    await importRoster(database.db, institutionId, csv(HEADER, "Ж-1,Әбішев Нұрлан,курсант,cadet,,1,,"), NOW);
    const people = await listPeople(database.db, institutionId);
    expect(people.officials.map((x) => [x.fullName, x.roles, x.bound])).toEqual([
      [o.fullName, ["head"], true],
      ["Бекова Айгүл", ["unit_head"], false],
    ]);
    expect(people.students).toEqual([
      expect.objectContaining({ personalNumber: "Ж-1", fullName: "Әбішев Нұрлан", bound: false }),
    ]);
  });
});

describe("delegations and role holders", () => {
  it("returns own holders who are active and bound, plus delegates on the covered dates", async () => {
    const head = await official(database.db, institutionId, ["head"], "Бастық Бір");
    const acting = await official(database.db, institutionId, ["deputy_personnel"], "Орынбасар Екі");
    await official(database.db, institutionId, ["head"], "Байланыспаған Үш"); // not bound: holds nothing
    const headTg = await bind(head.id);
    const actingTg = await bind(acting.id);

    const d = await addDelegation(
      database.db,
      {
        institutionId,
        role: "head",
        fromOfficialId: head.id,
        toOfficialId: acting.id,
        startsOn: "2026-04-01",
        endsOn: "2026-04-10",
      },
      NOW,
    );
    const holdersOn = async (date: string) =>
      (await activeHolders(database.db, institutionId, "head", date)).map((h) => [
        h.officialId,
        h.telegramId,
        h.onBehalfOfOfficialId,
      ]);
    expect(await holdersOn("2026-03-31")).toEqual([[head.id, headTg, null]]);
    expect(await holdersOn("2026-04-01")).toEqual([
      [head.id, headTg, null],
      [acting.id, actingTg, head.id],
    ]);
    expect(await holdersOn("2026-04-10")).toHaveLength(2);
    expect(await holdersOn("2026-04-11")).toEqual([[head.id, headTg, null]]);
    // The delegate's own role is untouched.
    expect(await activeHolders(database.db, institutionId, "deputy_personnel", "2026-04-05")).toEqual([
      expect.objectContaining({ officialId: acting.id, onBehalfOfOfficialId: null }),
    ]);
    // A revoked delegate holds nothing.
    await revokeAccess(database.db, { kind: "official", officialId: acting.id }, NOW);
    expect(await holdersOn("2026-04-05")).toEqual([[head.id, headTg, null]]);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "delegation.added"));
    expect(event).toMatchObject({
      onBehalfOfOfficialId: head.id,
      details: { delegationId: d.id },
      after: {
        role: "head",
        fromOfficialId: head.id,
        toOfficialId: acting.id,
        startsOn: "2026-04-01",
        endsOn: "2026-04-10",
      },
    });
  });

  it("refuses bad delegations with clear errors", async () => {
    const head = await official(database.db, institutionId, ["head"]);
    const other = await official(database.db, institutionId, ["unit_head"]);
    const elsewhere = await official(database.db, (await institution(database.db, "SHK")).id, ["head"]);
    const base = {
      institutionId,
      role: "head",
      fromOfficialId: head.id,
      toOfficialId: other.id,
      startsOn: "2026-04-01",
      endsOn: "2026-04-10",
    };
    const refuse = (patch: Partial<typeof base>, message: string | RegExp) =>
      expect(addDelegation(database.db, { ...base, ...patch }, NOW)).rejects.toThrow(message);
    await refuse({ role: "rector" }, /unknown role/);
    await refuse({ startsOn: "2026-02-30" }, /not a date/);
    await refuse({ endsOn: "2026-03-31" }, "ends before it starts");
    await refuse({ toOfficialId: head.id }, "cannot delegate to himself");
    await refuse(
      { fromOfficialId: other.id, toOfficialId: head.id },
      `official ${other.id} does not hold the role head`,
    );
    await refuse({ toOfficialId: elsewhere.id }, `no official with id ${elsewhere.id} at this institution`);
    await addDelegation(database.db, base, NOW);
    await refuse(
      { startsOn: "2026-04-10", endsOn: "2026-04-20" },
      /already delegates head from 2026-04-01 to 2026-04-10/,
    );
    await expect(activeHolders(database.db, institutionId, "head", "tomorrow")).rejects.toThrow(/not a date/);
  });
});
