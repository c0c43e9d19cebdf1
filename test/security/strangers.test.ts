/**
 * Issue 12.17: strangers cost (almost) nothing. Someone bound to nothing gets no users row; their forged
 * presses and guessed tokens are counted in one stranger_activity row a day (one audit row a day), not
 * logged press by press; and each Telegram account is rate-limited, told once when it is over the limit.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/create-bot";
import { RateLimiter, STRANGER_PER_MINUTE } from "../../src/bot/middleware/rate-limit";
import { purgeExpired } from "../../src/cases/retention";
import { auditEvents, caseSteps, strangerActivity, users } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStudent } from "../support/fixtures";
import { filedWithEndorse } from "../support/flows";
import { type Harness, newUser, useHarness } from "../support/harness";
import { BOT_INFO } from "../support/telegram";

/** The harness bot rebuilt with a rate limiter on a clock the test moves. */
function withLimiter(h: Harness): { advance: (ms: number) => void; limiter: RateLimiter } {
  let now = 0;
  const limiter = new RateLimiter({ now: () => now });
  h.bot = createBot(
    { token: "42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz" },
    { ...h.deps, rateLimiter: limiter },
    { botInfo: BOT_INFO, client: { fetch: h.tg.fetch as never } },
  );
  return {
    limiter,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe("strangers (issue 12.17)", () => {
  const hr = useHarness();

  it("forged presses and guessed tokens leave no users row and one audit row a day, with the count", async () => {
    const h = hr.current;
    const { endorse } = await filedWithEndorse(h);
    const auditBefore = (await h.db.select().from(auditEvents)).length;
    const usersBefore = (await h.db.select().from(users)).length;

    const stranger = newUser("Stranger");
    for (let i = 0; i < 12; i++) await h.press(stranger, `s:${endorse.id}:agree`);
    for (let i = 0; i < 5; i++) await h.command(stranger, "start", randomBytes(24).toString("base64url"));
    await h.command(stranger, "case", "1");
    await h.text(stranger, "hello");

    // Every press was answered (no endless spinner), the step did not move.
    expect(h.tg.sent("answerCallbackQuery").length).toBeGreaterThanOrEqual(12);
    expect(h.tg.lastTextTo(stranger.id)).not.toBe("");
    expect((await h.db.select().from(caseSteps).where(eq(caseSteps.id, endorse.id)))[0]?.state).toBe(
      "pending",
    );
    // No users row, one audit row for the day, one counting row.
    expect(await h.db.select().from(users)).toHaveLength(usersBefore);
    expect(await h.db.select().from(users).where(eq(users.telegramId, stranger.id))).toEqual([]);
    const added = (await h.db.select().from(auditEvents)).slice(auditBefore);
    expect(added.map((a) => a.action)).toEqual(["stranger.noise"]);
    expect(added[0]?.details).toMatchObject({
      telegramId: stranger.id,
      onDate: "2026-03-20",
      first: "step.refused",
    });
    const rows = await h.db.select().from(strangerActivity);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      telegramId: stranger.id,
      onDate: "2026-03-20",
      count: 17,
      kinds: { "step.refused": 12, "invite.refused": 5 },
    });

    // The next day starts a new row (and one more audit row); rows older than 90 days are pruned.
    h.clock.advance(86_400_000);
    await h.press(stranger, `s:${endorse.id}:agree`);
    expect(await h.db.select().from(strangerActivity)).toHaveLength(2);
    expect(
      await h.db.select().from(auditEvents).where(eq(auditEvents.action, "stranger.noise")),
    ).toHaveLength(2);
    await purgeExpired(h.db, new Date(h.clock().getTime() + 90 * 86_400_000));
    expect((await h.db.select().from(strangerActivity)).map((r) => r.onDate)).toEqual(["2026-03-21"]);
  });

  it("a known user's refusals are still audited one by one (they are accountable)", async () => {
    const h = hr.current;
    const { staff, endorse } = await filedWithEndorse(h);
    // The personnel officer presses the deputy's button three times.
    for (let i = 0; i < 3; i++) await h.press(staff.personnel.tg, `s:${endorse.id}:agree`);
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "step.refused"));
    expect(refused).toHaveLength(3);
    expect(await h.db.select().from(strangerActivity)).toEqual([]);
  });

  it(`a stranger gets ${STRANGER_PER_MINUTE} updates a minute, is told once, then silence until the bucket refills`, async () => {
    const h = hr.current;
    const clock = withLimiter(h);
    const stranger = newUser("Flood");
    for (let i = 0; i < STRANGER_PER_MINUTE + 15; i++) await h.command(stranger, "start");
    const texts = h.tg.textsTo(stranger.id);
    const slow = tFor("kk")("limits.slow_down");
    expect(texts.filter((t) => t === tFor("kk")("start.unknown", { id: stranger.id }))).toHaveLength(
      STRANGER_PER_MINUTE,
    );
    expect(texts.filter((t) => t === slow)).toHaveLength(1);
    expect(texts).toHaveLength(STRANGER_PER_MINUTE + 1);
    // Presses over the limit are dropped too (the notice was already given).
    const answersBefore = h.tg.sent("answerCallbackQuery").length;
    await h.press(stranger, "zz:garbage");
    expect(h.tg.sent("answerCallbackQuery")).toHaveLength(answersBefore);
    // Two seconds refill one update (30 a minute).
    clock.advance(2_000);
    await h.command(stranger, "start");
    expect(h.tg.lastTextTo(stranger.id)).toBe(tFor("kk")("start.unknown", { id: stranger.id }));
    await h.command(stranger, "start");
    expect(h.tg.textsTo(stranger.id).at(-1)).toBe(slow); // a new episode: told once more
    // A minute later the whole allowance is back.
    clock.advance(60_000);
    for (let i = 0; i < 5; i++) await h.command(stranger, "start");
    expect(h.tg.textsTo(stranger.id).slice(-5)).toEqual(
      Array(5).fill(tFor("kk")("start.unknown", { id: stranger.id })),
    );
  });

  it("a known user is not held to the stranger's limit; the notice to a stranger uses Telegram's language", async () => {
    const h = hr.current;
    withLimiter(h);
    const inst = await addInstitution(h.db);
    const { tg } = await addStudent(h.db, inst.id);
    for (let i = 0; i < STRANGER_PER_MINUTE + 10; i++) await h.command(tg, "help");
    expect(h.tg.textsTo(tg.id)).toHaveLength(STRANGER_PER_MINUTE + 10);
    expect(h.tg.textsTo(tg.id)).not.toContain(tFor("kk")("limits.slow_down"));

    const russian = { ...newUser("Иван"), language_code: "ru" };
    for (let i = 0; i <= STRANGER_PER_MINUTE; i++) await h.command(russian, "start");
    expect(h.tg.lastTextTo(russian.id)).toBe(tFor("ru")("limits.slow_down"));
  });
});
