import { describe, expect, it } from "vitest";
import { caseSteps } from "../../src/db/schema";
import { sendBreachNotices } from "../../src/jobs/breach";
import { buildDigests, claimDigests, digestsClaimedOn, sendDigests } from "../../src/jobs/digest";
import { runTick, startJobs, type TickResult } from "../../src/jobs/runner";
import { createLogger } from "../../src/logger";
import { addInstitution } from "../support/fixtures";
import type { Harness } from "../support/harness";
import { useHarness } from "../support/harness";
import {
  at,
  breachesTo,
  digestsTo,
  escalationsTo,
  fileCase,
  interviewAndApprove,
  jobDeps,
  staff,
} from "./helpers";

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const runnerDeps = (h: Harness) => ({
  db: h.db,
  api: h.api,
  clock: h.clock,
  log: createLogger("silent"),
  adminTelegramIds: [],
});

describe("jobs runner", () => {
  const hr = useHarness({ now: "2026-03-16T05:00:00Z" });

  /** Three institutions' worth of officials with work pending, and a statutory breach due. */
  async function busyDay(h: Harness) {
    const people = [];
    for (const code of ["A", "B", "C"]) {
      const inst = await addInstitution(h.db, code);
      const s = await staff(h, inst.id);
      at(h, "2026-03-02 10:00");
      const id = await fileCase(h, inst.id, "contract_refusal");
      await interviewAndApprove(h, s, id); // order due 05.03
      at(h, "2026-03-05 10:00");
      // Own will: the deputy's opinion and interview (targets) and the head's cl. 20 instruction
      // (statutory), all due 10.03: in the digests, not breached on 06.03.
      await fileCase(h, inst.id);
      people.push(s);
    }
    await h.flush();
    h.tg.clear();
    return people;
  }

  it("runs the dispatcher and the tick; the first tick catches up at once; stop() is clean", async () => {
    const h = hr.current;
    const people = await busyDay(h);
    at(h, "2026-03-06 15:00");
    const ticks: TickResult[] = [];
    const stop = startJobs(runnerDeps(h), {
      tickMs: 20,
      dispatcher: { sleep: async () => {}, ratePerSecond: 1e6, idleMs: 10 },
      onTick: (r) => ticks.push(r),
    });
    await until(() => ticks.length >= 3 && people.every((s) => digestsTo(h, s.head.tg.id).length === 1));
    await stop();
    await stop(); // idempotent
    expect(ticks[0]?.purged).toEqual([]); // the daily purge ran on the first tick…
    expect(ticks.slice(1).every((t) => t.purged === null)).toBe(true); // …and only then
    for (const s of people) {
      expect(breachesTo(h, s.personnel.tg.id)).toHaveLength(1);
      expect(escalationsTo(h, s.head.tg.id)).toHaveLength(1);
      expect(escalationsTo(h, s.deputy.tg.id)).toHaveLength(1);
      for (const who of [s.head, s.deputy, s.personnel]) expect(digestsTo(h, who.tg.id)).toHaveLength(1);
    }
  });

  it("two runners on one database send every digest and breach notice once", async () => {
    const h = hr.current;
    const people = await busyDay(h);
    at(h, "2026-03-06 09:00");
    const ticksA: TickResult[] = [];
    const ticksB: TickResult[] = [];
    const opts = { tickMs: 5, dispatcher: { sleep: async () => {}, ratePerSecond: 1e6, idleMs: 5 } };
    const stopA = startJobs(runnerDeps(h), { ...opts, onTick: (r) => ticksA.push(r) });
    const stopB = startJobs(runnerDeps(h), { ...opts, onTick: (r) => ticksB.push(r) });
    await until(() => ticksA.length >= 5 && ticksB.length >= 5);
    await Promise.all([stopA(), stopB()]);
    await h.flush();
    const all = [...ticksA, ...ticksB];
    expect(all.flatMap((t) => t.errors)).toEqual([]);
    expect(all.reduce((n, t) => n + t.breaches.length, 0)).toBe(3);
    expect(all.reduce((n, t) => n + t.digests.claimed, 0)).toBe(9);
    expect(await digestsClaimedOn(h.db, "2026-03-06")).toBe(9);
    for (const s of people) {
      for (const who of [s.head, s.deputy, s.personnel]) expect(digestsTo(h, who.tg.id)).toHaveLength(1);
      expect(breachesTo(h, s.personnel.tg.id)).toHaveLength(1);
      expect(escalationsTo(h, s.head.tg.id)).toHaveLength(1);
    }
  });

  it("interleaved ticks: the claims decide, however the work overlaps", async () => {
    const h = hr.current;
    const people = await busyDay(h);
    at(h, "2026-03-06 09:00");
    const deps = jobDeps(h);
    // Both build their digests before either claims: one claim per official wins, the other is dropped.
    const builtA = await buildDigests(h.db, h.clock());
    const builtB = await buildDigests(h.db, h.clock());
    expect(builtA.digests).toHaveLength(9);
    expect(builtB.digests).toHaveLength(9);
    const [a, b] = await Promise.all([
      claimDigests(h.db, builtA, h.clock(), { chunk: 2 }),
      claimDigests(h.db, builtB, h.clock(), { chunk: 3 }),
    ]);
    expect([a.claimed + b.claimed, a.sent + b.sent, a.lost + b.lost]).toEqual([9, 9, 9]);
    expect((await sendDigests(h.db, h.clock())).claimed).toBe(0);
    const [x, y] = await Promise.all([
      sendBreachNotices(h.db, h.clock()),
      sendBreachNotices(h.db, h.clock()),
    ]);
    expect(x.length + y.length).toBe(3);
    // Whole ticks, several at once, later the same day: nothing more.
    const more = await Promise.all([runTick(deps), runTick(deps), runTick(deps)]);
    expect(more.map((t) => [t.breaches.length, t.digests.claimed, t.digests.sent])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    await h.flush();
    for (const s of people)
      for (const who of [s.head, s.deputy, s.personnel]) expect(digestsTo(h, who.tg.id)).toHaveLength(1);
    const notified = (await h.db.select().from(caseSteps)).filter((s) => s.breachNotifiedOn !== null);
    expect(notified).toHaveLength(3);
  });
});
