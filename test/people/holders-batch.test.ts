/**
 * Issue 17: holdingsOn answers in one statement (own roles ∪ delegations), and a batch of opened steps asks
 * for all its roles at once. The answer must be the one of the two queries it replaced, role by role: own
 * roles of active officials bound to Telegram; delegations covering the day, not ended, from an official
 * still active and still holding the role, to an active official of the same institution bound to Telegram;
 * an own role wins over a delegation of the same role. The reference below is the former implementation
 * (two queries, merged in code); of two delegations of one role to one official it takes the older one,
 * which the single statement now does by rule.
 */
import { and, eq, gte, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client";
import { delegations, digestsSent, officialRoles, officials, users } from "../../src/db/schema";
import { type Holding, holdingsOn, roleHolders } from "../../src/people/holders";
import { type LocalDate, ROLES, type Role } from "../../src/rules";
import { addInstitution, addOfficial } from "../support/fixtures";
import { useHarness } from "../support/harness";

const ON = "2026-03-20" as LocalDate;

/** The former holdingsOn: own roles and delegations in two queries; the own role wins. */
async function reference(
  db: Db,
  ids: number[],
  on: LocalDate,
  opts: { withoutDigestOn?: LocalDate; roles?: Role[] } = {},
): Promise<Holding[]> {
  const claimed = opts.withoutDigestOn;
  const own = await db
    .select({
      officialId: officials.id,
      institutionId: officials.institutionId,
      role: officialRoles.role,
      fullName: officials.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
      claimed: digestsSent.officialId,
    })
    .from(officialRoles)
    .innerJoin(officials, eq(officials.id, officialRoles.officialId))
    .innerJoin(users, eq(users.id, officials.userId))
    .leftJoin(
      digestsSent,
      and(eq(digestsSent.officialId, officials.id), eq(digestsSent.localDate, claimed ?? "1900-01-01")),
    )
    .where(
      and(
        inArray(officials.institutionId, ids),
        eq(officials.active, true),
        isNotNull(officials.userId),
        opts.roles ? inArray(officialRoles.role, opts.roles) : undefined,
      ),
    );
  const delegate = alias(officials, "delegate");
  const delegator = alias(officials, "delegator");
  const acting = await db
    .select({
      officialId: delegate.id,
      institutionId: delegations.institutionId,
      role: delegations.role,
      fullName: delegate.fullName,
      telegramId: users.telegramId,
      lang: users.lang,
      unreachable: users.unreachable,
      onBehalfOfOfficialId: delegations.fromOfficialId,
      claimed: digestsSent.officialId,
    })
    .from(delegations)
    .innerJoin(delegate, eq(delegate.id, delegations.toOfficialId))
    .innerJoin(delegator, eq(delegator.id, delegations.fromOfficialId))
    .innerJoin(users, eq(users.id, delegate.userId))
    .leftJoin(
      digestsSent,
      and(eq(digestsSent.officialId, delegate.id), eq(digestsSent.localDate, claimed ?? "1900-01-01")),
    )
    .where(
      and(
        inArray(delegations.institutionId, ids),
        opts.roles ? inArray(delegations.role, opts.roles) : undefined,
        lte(delegations.startsOn, on),
        gte(delegations.endsOn, on),
        eq(delegate.active, true),
        eq(delegate.institutionId, delegations.institutionId),
        isNull(delegations.endedAt),
        eq(delegator.active, true),
        sql`exists (select 1 from ${officialRoles} where ${officialRoles.officialId} = ${delegations.fromOfficialId} and ${officialRoles.role} = ${delegations.role})`,
      ),
    )
    .orderBy(delegations.id);
  const byKey = new Map<string, Holding>();
  for (const { claimed: c, ...h } of own)
    if (c === null)
      byKey.set(`${h.institutionId}:${h.role}:${h.officialId}`, { ...h, onBehalfOfOfficialId: null });
  for (const { claimed: c, ...h } of acting) {
    const key = `${h.institutionId}:${h.role}:${h.officialId}`;
    if (c === null && !byKey.has(key)) byKey.set(key, h);
  }
  return [...byKey.values()].sort((a, b) => a.officialId - b.officialId);
}

const order = (list: Holding[]) =>
  [...list].sort((a, b) => a.officialId - b.officialId || a.role.localeCompare(b.role));

describe("holders of several roles in one statement (issue 17)", () => {
  const hr = useHarness();

  /** Every case of the rule at two institutions: who counts, who does not, who wins. */
  async function people(db: Db) {
    const a = await addInstitution(db, "AAA");
    const b = await addInstitution(db, "BBB");
    const head = await addOfficial(db, a.id, ["head"], "Head");
    const deputy = await addOfficial(db, a.id, ["deputy_personnel", "admin"], "Deputy", "ru");
    const officer = await addOfficial(db, a.id, ["personnel_officer"], "Officer");
    const acting = await addOfficial(db, a.id, ["unit_head"], "Acting");
    const both = await addOfficial(db, a.id, ["deputy_personnel"], "Own and delegated");
    const gone = await addOfficial(db, a.id, ["deputy_personnel"], "Deactivated delegator");
    const revoked = await addOfficial(db, a.id, ["personnel_officer"], "Lost the role");
    const idle = await addOfficial(db, a.id, ["personnel_officer"], "Inactive delegate");
    const other = await addOfficial(db, b.id, ["head", "deputy_personnel"], "Other institution");
    // An official not bound to Telegram (no user), with a role and a delegation to him.
    const [unbound] = await db
      .insert(officials)
      .values({ institutionId: a.id, fullName: "Not joined", position: "x" })
      .returning();
    await db.insert(officialRoles).values({ officialId: unbound!.id, role: "head" });

    const d = (
      role: Role,
      from: number,
      to: number,
      extra: Partial<typeof delegations.$inferInsert> = {},
    ) => ({
      institutionId: a.id,
      role,
      fromOfficialId: from,
      toOfficialId: to,
      startsOn: "2026-03-01",
      endsOn: "2026-03-31",
      ...extra,
    });
    await db.insert(delegations).values([
      d("head", head.official.id, acting.official.id), // counts: acting head
      d("deputy_personnel", deputy.official.id, both.official.id), // own role wins
      d("deputy_personnel", gone.official.id, acting.official.id), // the delegator is deactivated
      d("personnel_officer", officer.official.id, acting.official.id, { startsOn: "2026-03-21" }), // not yet
      d("personnel_officer", officer.official.id, deputy.official.id, { endsOn: "2026-03-19" }), // over
      d("personnel_officer", officer.official.id, head.official.id, { endedAt: new Date("2026-03-10") }), // ended
      d("personnel_officer", revoked.official.id, head.official.id), // the delegator lost the role
      d("personnel_officer", officer.official.id, idle.official.id), // the delegate is deactivated
      d("head", head.official.id, unbound!.id), // the delegate is not bound to Telegram
      d("admin", deputy.official.id, officer.official.id), // counts
    ]);
    // Two delegations of one role to one official: the older (lower id) says on whose behalf, whatever
    // order the rows were written in.
    await db
      .insert(delegations)
      .values({ id: 900, ...d("deputy_personnel", both.official.id, acting.official.id) });
    await db
      .insert(delegations)
      .values({ id: 800, ...d("deputy_personnel", deputy.official.id, acting.official.id) });
    await db.update(officials).set({ active: false }).where(eq(officials.id, gone.official.id));
    await db.update(officials).set({ active: false }).where(eq(officials.id, idle.official.id));
    await db
      .delete(officialRoles)
      .where(
        and(eq(officialRoles.officialId, revoked.official.id), eq(officialRoles.role, "personnel_officer")),
      );
    // The deactivated delegator's own role does not count either.
    return { a, b, head, deputy, officer, acting, both, gone, other };
  }

  it("all roles at once is every role asked alone, and the former two queries' answer", async () => {
    const h = hr.current;
    const p = await people(h.db);
    const ids = [p.a.id, p.b.id];
    const batch = await holdingsOn(h.db, ids, ON, { roles: [...ROLES] });
    const alone: Holding[] = [];
    for (const role of ROLES) {
      const one = await holdingsOn(h.db, ids, ON, { role });
      expect(one).toEqual(await reference(h.db, ids, ON, { roles: [role] }));
      alone.push(...one);
    }
    expect(order(batch)).toEqual(order(alone));
    expect(order(batch)).toEqual(order(await reference(h.db, ids, ON)));
    expect(order(await holdingsOn(h.db, ids, ON))).toEqual(order(batch));

    // What the rule says, spelled out.
    const at = (role: Role) =>
      batch
        .filter((x) => x.institutionId === p.a.id && x.role === role)
        .map((x) => [x.fullName, x.onBehalfOfOfficialId]);
    expect(at("head")).toEqual([
      ["Head", null],
      ["Acting", p.head.official.id],
    ]);
    expect(at("deputy_personnel")).toEqual([
      ["Deputy", null],
      ["Acting", p.deputy.official.id],
      ["Own and delegated", null],
    ]);
    expect(at("personnel_officer")).toEqual([["Officer", null]]);
    expect(at("admin")).toEqual([
      ["Deputy", null],
      ["Officer", p.deputy.official.id],
    ]);
    expect(
      batch
        .filter((x) => x.institutionId === p.b.id)
        .map((x) => x.role)
        .sort(),
    ).toEqual(["deputy_personnel", "head"]);
    expect(batch.find((x) => x.fullName === "Deputy")?.lang).toBe("ru");

    // A subset of roles; roleHolders (one role) answers as before.
    const two = await holdingsOn(h.db, [p.a.id], ON, { roles: ["head", "admin"] });
    expect(order(two)).toEqual(order(await reference(h.db, [p.a.id], ON, { roles: ["head", "admin"] })));
    expect((await roleHolders(h.db, p.a.id, "head", ON)).map((x) => x.officialId)).toEqual([
      p.head.official.id,
      p.acting.official.id,
    ]);
    expect(await holdingsOn(h.db, [p.a.id], ON, { roles: [] })).toEqual([]);
  });

  it("officials whose digest is claimed are left out, as own holders and as delegates", async () => {
    const h = hr.current;
    const p = await people(h.db);
    await h.db.insert(digestsSent).values([
      { officialId: p.acting.official.id, localDate: ON },
      { officialId: p.deputy.official.id, localDate: ON },
      { officialId: p.head.official.id, localDate: "2026-03-19" }, // another day: still in
    ]);
    const ids = [p.a.id, p.b.id];
    const got = await holdingsOn(h.db, ids, ON, { withoutDigestOn: ON });
    expect(order(got)).toEqual(order(await reference(h.db, ids, ON, { withoutDigestOn: ON })));
    const names = new Set(got.map((x) => x.fullName));
    expect(names.has("Acting")).toBe(false);
    expect(names.has("Deputy")).toBe(false);
    expect(names.has("Head")).toBe(true);
    expect(got.find((x) => x.fullName === "Officer" && x.role === "admin")).toBeTruthy();
  });
});
