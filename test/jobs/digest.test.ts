import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { caseSteps, digestsSent, institutions } from "../../src/db/schema";
import { buildDigests, digestsClaimedOn } from "../../src/jobs/digest";
import { addInstitution, addOfficial } from "../support/fixtures";
import { useHarness } from "../support/harness";
import {
  at,
  buttonsOf,
  delegate,
  digestsTo,
  fileCase,
  interviewAndApprove,
  staff,
  stepOf,
  tick,
} from "./helpers";

describe("daily digest: when", () => {
  const hr = useHarness({ now: "2026-03-16T05:00:00Z" });

  it("goes out on a working day at the reminder hour, not before, and once", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    // Own will: the deputy's opinion and the cl. 4 interview (targets), the head's cl. 20 instruction
    // (statutory, from registration), all due Wed 18.03; nothing yet for the personnel officer.
    const id = await fileCase(h, inst.id);
    await h.flush();

    at(h, "2026-03-17 08:59");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect(await digestsClaimedOn(h.db, "2026-03-17")).toBe(0);

    at(h, "2026-03-17 09:00");
    await tick(h);
    const [d] = digestsTo(h, s.deputy.tg.id);
    expect(d?.text).toContain("Daily digest · 17.03.2026");
    expect(d?.text).toContain("Due within the next two working days: 2");
    expect(d?.text).toContain(`Case No. ${id} · opinion of the deputy head for personnel work`);
    expect(d?.text).toContain(`Case No. ${id} · interview on reimbursing`);
    // D13: a target is named as the institution's, in words, with no code and no clause.
    expect(d?.text).toContain("the institution's target: 18.03.2026 · 1 working day left");
    expect(d?.text).not.toMatch(/\bD\d{1,2}\b/);
    expect(buttonsOf(d!)).toEqual([`c:${id}`]);
    // The head's own statutory step, cited by its clause.
    const [head] = digestsTo(h, s.head.tg.id);
    expect(head?.text).toContain("Due within the next two working days: 1");
    expect(head?.text).toContain("statutory deadline 18.03.2026 (cl. 20) · 1 working day left");
    // Nothing pending for the personnel officer: no message, but the day is settled for all three.
    expect(digestsTo(h, s.personnel.tg.id)).toHaveLength(0);
    expect(await digestsClaimedOn(h.db, "2026-03-17")).toBe(3);

    at(h, "2026-03-17 09:30");
    await tick(h);
    at(h, "2026-03-17 17:45");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(1);

    // The next working day: again, now due today.
    at(h, "2026-03-18 09:00");
    await tick(h);
    const all = digestsTo(h, s.deputy.tg.id);
    expect(all).toHaveLength(2);
    expect(all[1]?.text).toContain("Due today: 2");
  });

  it("follows the institution's reminder hour", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await h.db.update(institutions).set({ reminderHour: 11 }).where(eq(institutions.id, inst.id));
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    await fileCase(h, inst.id);
    at(h, "2026-03-17 10:59");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(0);
    at(h, "2026-03-17 11:00");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(1);
  });

  it("stays silent on a weekend and on days off (Nauryz 23–25.03.2026)", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-20 10:00");
    const id = await fileCase(h, inst.id); // Fri → 2 WD: 26, 27 March (weekend, then Nauryz)
    expect((await stepOf(h.db, id, "endorse")).dueOn).toBe("2026-03-27");
    expect((await stepOf(h.db, id, "interview")).dueOn).toBe("2026-03-27");
    await h.flush();
    for (const day of ["2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-25"]) {
      at(h, `${day} 10:00`);
      await tick(h);
      expect(await digestsClaimedOn(h.db, day)).toBe(0);
    }
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(0);
    at(h, "2026-03-26 09:00");
    await tick(h);
    const [d] = digestsTo(h, s.deputy.tg.id);
    expect(d?.text).toContain("Due within the next two working days: 2");
  });

  it("sends nothing when nothing is pending", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await staff(h, inst.id);
    at(h, "2026-03-17 09:00");
    const r = await tick(h);
    expect(h.tg.sent("sendMessage")).toHaveLength(0);
    expect(r.digests).toMatchObject({ claimed: 3, sent: 0 });
  });

  it("catches up the same local day after downtime, never the day before", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    await fileCase(h, inst.id);
    // Down all morning: the first tick at 15:00 still sends today's digest.
    at(h, "2026-03-17 15:00");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(1);
    // Down from then until the next morning: 08:00 sends nothing (neither yesterday's nor today's yet).
    at(h, "2026-03-18 08:00");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(1);
    at(h, "2026-03-18 09:01");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(2);
  });

  it("never sends a missed day's digest the next day", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    await fileCase(h, inst.id);
    // The bot was down all of Tuesday 17.03; it comes back on Wednesday before the reminder hour.
    at(h, "2026-03-18 07:00");
    await tick(h);
    expect(digestsTo(h, s.deputy.tg.id)).toHaveLength(0);
    expect(await digestsClaimedOn(h.db, "2026-03-17")).toBe(0);
    at(h, "2026-03-18 09:00");
    await tick(h);
    const [d] = digestsTo(h, s.deputy.tg.id);
    expect(d?.text).toContain("18.03.2026");
    const rows = await h.db.select().from(digestsSent);
    expect(new Set(rows.map((r) => r.localDate))).toEqual(new Set(["2026-03-18"]));
  });
});

describe("daily digest: what", () => {
  const hr = useHarness({ now: "2026-03-09T05:00:00Z" });

  it("groups overdue (with working days), due today, within two working days, and escalations", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    const acting = await addOfficial(h.db, inst.id, ["unit_head"], "Acting A.A.", "ru");
    const former = await addOfficial(h.db, inst.id, ["unit_head"], "Former F.F.", "en");
    await delegate(h.db, inst.id, "deputy_personnel", s.deputy, acting, "2026-03-18", "2026-03-20");
    await delegate(h.db, inst.id, "deputy_personnel", s.deputy, former, "2026-03-10", "2026-03-17");

    // G: contract refusal, decided on Tue 10.03 → the order (cl. 26, statutory 3 WD) was due Fri 13.03.
    at(h, "2026-03-10 10:00");
    const g = await fileCase(h, inst.id, "contract_refusal");
    await interviewAndApprove(h, s, g);
    expect(await stepOf(h.db, g, "order")).toMatchObject({ dueOn: "2026-03-13", dueKind: "statutory" });
    // Six more ch. 6 reports: each opens the deputy's opinion and the cl. 4 interview (D3 targets, 2 WD
    // from filing) and nothing for the head until the interview.
    at(h, "2026-03-12 10:00");
    const a = await fileCase(h, inst.id, "contract_refusal"); // due Mon 16.03
    at(h, "2026-03-13 10:00");
    const b = await fileCase(h, inst.id, "contract_refusal"); // due Tue 17.03
    at(h, "2026-03-16 10:00");
    const c = await fileCase(h, inst.id, "contract_refusal"); // due Wed 18.03
    at(h, "2026-03-17 10:00");
    const d = await fileCase(h, inst.id, "contract_refusal"); // due Thu 19.03
    at(h, "2026-03-18 08:00");
    const e = await fileCase(h, inst.id, "contract_refusal"); // due Fri 20.03
    const f = await fileCase(h, inst.id, "contract_refusal");
    await h.db.update(caseSteps).set({ dueOn: "2026-03-26" }).where(eq(caseSteps.caseId, f)); // too far
    await h.flush();
    h.tg.clear();

    at(h, "2026-03-18 09:00");
    const built = await buildDigests(h.db, h.clock());
    const mine = built.digests.find((x) => x.officialId === s.deputy.official.id)!;
    const ids = (xs: { caseId: number; key: string }[]) => xs.map((x) => [x.caseId, x.key]);
    const both = (...cs: number[]) =>
      cs.flatMap((x) => [
        [x, "endorse"],
        [x, "interview"],
      ]);
    expect(ids(mine.groups.overdue)).toEqual(both(a, b));
    expect(ids(mine.groups.today)).toEqual(both(c));
    expect(ids(mine.groups.soon)).toEqual(both(d, e));
    expect(ids(mine.groups.escalations)).toEqual([[g, "order"]]);

    await tick(h);
    const [dep] = digestsTo(h, s.deputy.tg.id);
    expect(dep?.text).toContain("Overdue: 4");
    expect(dep?.text).toContain("the institution's target: 16.03.2026 · ⚠️ overdue by 2 working days");
    expect(dep?.text).toContain("the institution's target: 17.03.2026 · ⚠️ overdue by 1 working day");
    expect(dep?.text).toContain("Due today: 2");
    expect(dep?.text).toContain("Due within the next two working days: 4");
    expect(dep?.text).toContain("Escalations — statutory deadlines missed: 1");
    expect(dep?.text).toContain("statutory deadline 13.03.2026 (cl. 26) · ⚠️ overdue by 3 working days");
    expect(dep?.text).not.toMatch(/\bD\d{1,2}\b/);
    expect(dep?.text).not.toContain(`Case No. ${f} `);
    expect(dep!.text.indexOf(`Case No. ${a} `)).toBeLessThan(dep!.text.indexOf(`Case No. ${b} `));
    expect(buttonsOf(dep!)).toEqual([a, b, c, d, e, g].map((x) => `c:${x}`));
    // Values are escaped HTML, no names or reasons of the learners.
    expect(dep?.text).not.toContain("Нұрғалиев");

    // The acting deputy (delegation covering today) gets the same, in Russian; the former one nothing.
    const [act] = digestsTo(h, acting.tg.id);
    expect(act?.text).toContain("Ежедневная сводка · 18.03.2026");
    expect(act?.text).toContain("Просрочено: 4");
    expect(buttonsOf(act!)).toEqual(buttonsOf(dep!));
    expect(digestsTo(h, former.tg.id)).toHaveLength(0);

    // The head: G's missed statutory order as an escalation; targets never escalate.
    const [head] = digestsTo(h, s.head.tg.id);
    expect(head?.text).toContain("Escalations — statutory deadlines missed: 1");
    expect(head?.text).toContain(`Case No. ${g} · order on expulsion`);
    expect(head?.text).toContain("personnel subdivision");
    expect(head?.text).not.toContain("Overdue:");
    expect(buttonsOf(head!)).toEqual([`c:${g}`]);

    // The personnel officer: his own overdue order.
    const [pers] = digestsTo(h, s.personnel.tg.id);
    expect(pers?.text).toContain("Overdue: 1");
    expect(pers?.text).not.toContain("Escalations");
  });

  it("lists at most 20 items, with complete counts, in one message", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const s = await staff(h, inst.id);
    at(h, "2026-03-16 10:00");
    // 25 reports: 50 steps for the deputy (an opinion and an interview each), 25 for the head (cl. 20).
    for (let i = 0; i < 25; i++) await fileCase(h, inst.id);
    at(h, "2026-03-17 09:00");
    await tick(h);
    const [d] = digestsTo(h, s.deputy.tg.id);
    expect(d?.text).toContain("Due within the next two working days: 50");
    expect(d?.text.match(/^• /gm)).toHaveLength(20);
    expect(d?.text).toContain("…and 30 more");
    expect(d!.text.length).toBeLessThan(4096);
    // A button per listed case: the 20 items listed are the two steps of each of the first 10 cases.
    expect(buttonsOf(d!)).toEqual(Array.from({ length: 10 }, (_, i) => `c:${i + 1}`));
    const [head] = digestsTo(h, s.head.tg.id);
    expect(head?.text).toContain("Due within the next two working days: 25");
    expect(head?.text.match(/^• /gm)).toHaveLength(20);
    expect(head?.text).toContain("…and 5 more");
    expect(buttonsOf(head!)).toHaveLength(20);
  });
});
