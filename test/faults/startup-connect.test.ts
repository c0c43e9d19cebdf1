/**
 * Start-up never hangs silently (issue 14.13): a refused token exits with one line saying so; an unreachable
 * Telegram is said at every attempt, with the API root, and retried with back-off until it answers or the
 * program is stopped. A real grammY Api over a fake fetch, so the errors are the ones grammY throws.
 */
import { Writable } from "node:stream";
import { Api } from "grammy";
import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  CONNECT_TIMEOUT_SECONDS,
  classify,
  connectApi,
  connectToTelegram,
  retryDelayMs,
  type Sleep,
} from "../../src/bot/connect";

const TOKEN = "123456789:AAE-secret_token_for_the_test_only";
const ROOT = "http://127.0.0.1:9";
const ME = { id: 123456789, is_bot: true, first_name: "Bot", username: "test_bot" };

type Answer = { status: number; body: unknown } | { refused: true } | { hang: true } | { notJson: true };

/** An Api whose fetch gives the listed answers in turn (the last one repeats). */
function apiAnswering(answers: Answer[], timeoutSeconds = 5) {
  const calls: string[] = [];
  const fetch = async (url: string, init: { signal?: AbortSignal }) => {
    calls.push(url);
    const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if ("refused" in a)
      throw Object.assign(new Error(`request to ${url} failed, reason: connect ECONNREFUSED`), {
        code: "ECONNREFUSED",
      });
    if ("hang" in a)
      return new Promise((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    if ("notJson" in a)
      return { json: async () => JSON.parse("<html>bad gateway</html>") } as unknown as Response;
    return { status: a.status, json: async () => a.body } as unknown as Response;
  };
  const api = new Api(TOKEN, { apiRoot: ROOT, timeoutSeconds, fetch: fetch as never });
  return { api, calls };
}

const ok = { status: 200, body: { ok: true, result: ME } };
const tgError = (code: number, description: string, parameters?: object) => ({
  status: code,
  body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
});

function memoryLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return {
    log: pino({ level: "info" }, stream),
    raw: () => lines.join(""),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A sleep that only records the pauses and moves a fake clock on. */
function fakeTime() {
  let now = 0;
  const pauses: number[] = [];
  const sleep: Sleep = async (ms) => {
    // A retry loop that should have ended fails the test instead of spinning on resolved promises.
    if (pauses.length >= 50) throw new Error("still retrying after 50 attempts");
    pauses.push(ms);
    now += ms;
  };
  return { sleep, pauses, now: () => now };
}

describe("connecting to Telegram at start-up", () => {
  for (const [status, description] of [
    [401, "Unauthorized"],
    [404, "Not Found"],
  ] as const) {
    it(`${status} ${description}: refused at once, one fatal line says the token is wrong, not the network`, async () => {
      const { api, calls } = apiAnswering([tgError(status, description)]);
      const { log, entries, raw } = memoryLog();
      const time = fakeTime();
      const outcome = await connectToTelegram({ api, apiRoot: ROOT, botId: "123456789", log, ...time });
      expect(outcome).toEqual({ kind: "refused", status });
      expect(calls).toHaveLength(1);
      expect(time.pauses).toEqual([]);
      const fatal = entries().filter((e) => e.level === 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ apiRoot: ROOT, status, botId: "123456789", description });
      expect(fatal[0]!.msg).toMatch(
        /^Telegram rejected BOT_TOKEN: the token is wrong .*not a network problem/,
      );
      expect(raw()).not.toContain("unreachable");
      expect(raw()).not.toContain("secret_token");
    });
  }

  it("connection refused: a warning per attempt with the API root and the reason, back-off, then connected", async () => {
    const { api, calls } = apiAnswering([{ refused: true }, { refused: true }, { refused: true }, ok]);
    const { log, entries, raw } = memoryLog();
    const time = fakeTime();
    const outcome = await connectToTelegram({ api, apiRoot: ROOT, log, ...time });
    expect(outcome).toEqual({ kind: "connected", me: ME, attempts: 4 });
    expect(calls).toHaveLength(4);
    expect(time.pauses).toEqual([2_000, 4_000, 8_000]);
    const warns = entries().filter((e) => e.level === 40);
    expect(warns.map((w) => [w.attempt, w.retryInSeconds, w.unreachableForSeconds])).toEqual([
      [1, 2, 0],
      [2, 4, 2],
      [3, 8, 6],
    ]);
    for (const w of warns) {
      expect(w).toMatchObject({ apiRoot: ROOT, reason: "ECONNREFUSED" });
      expect(w.msg).toMatch(/^Telegram is unreachable: retrying/);
    }
    expect(entries().at(-1)).toMatchObject({ msg: "Telegram reachable again", attempts: 4 });
    expect(raw()).not.toContain("secret_token"); // the request URL holds the token
  });

  it("5xx and 429 are retried (429 after its retry_after); an answer that is not JSON too", async () => {
    const { api } = apiAnswering([
      tgError(502, "Bad Gateway"),
      tgError(429, "Too Many Requests: retry after 7", { retry_after: 7 }),
      { notJson: true },
      ok,
    ]);
    const { log, entries } = memoryLog();
    const time = fakeTime();
    const outcome = await connectToTelegram({ api, apiRoot: ROOT, log, ...time });
    expect(outcome.kind).toBe("connected");
    expect(time.pauses).toEqual([2_000, 7_000, 8_000]);
    expect(
      entries()
        .filter((e) => e.level === 40)
        .map((w) => w.reason),
    ).toEqual(["502: Bad Gateway", "429: Too Many Requests: retry after 7", expect.stringMatching(/JSON/)]);
  });

  it("no answer at all: the attempt ends at the request timeout and says so", async () => {
    const { api } = apiAnswering([{ hang: true }, ok], 0.05);
    const { log, entries } = memoryLog();
    const outcome = await connectToTelegram({ api, apiRoot: ROOT, log, ...fakeTime() });
    expect(outcome.kind).toBe("connected");
    expect(entries().find((e) => e.level === 40)?.reason).toMatch(/timed out after 0.05 seconds/);
    // The program's own Api gives up an attempt well within 30 s, so the first warning comes in time.
    expect(CONNECT_TIMEOUT_SECONDS).toBeLessThanOrEqual(15);
    expect(connectApi(TOKEN, `${ROOT}/`)).toBeInstanceOf(Api); // a trailing slash is accepted
  });

  it("back-off doubles from 2 s and stays at 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(retryDelayMs)).toEqual([
      2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("a stop signal ends the retries, in a pause or in a hanging request", async () => {
    const inPause = new AbortController();
    const { api } = apiAnswering([{ refused: true }]);
    let pauses = 0;
    const sleep: Sleep = async () => {
      if (++pauses === 3) inPause.abort();
    };
    const stopped = await connectToTelegram({
      api,
      apiRoot: ROOT,
      log: memoryLog().log,
      sleep,
      signal: inPause.signal,
    });
    expect(stopped).toEqual({ kind: "stopped", attempts: 3 });

    const inRequest = new AbortController();
    const hanging = apiAnswering([{ hang: true }], 60).api;
    setTimeout(() => inRequest.abort(), 20);
    const { log, entries } = memoryLog();
    expect(await connectToTelegram({ api: hanging, apiRoot: ROOT, log, signal: inRequest.signal })).toEqual({
      kind: "stopped",
      attempts: 1,
    });
    expect(entries().filter((e) => (e.level as number) >= 40)).toEqual([]);
  });

  it("an error of our own code is thrown on, not taken for a network fault", async () => {
    expect(() => classify(new TypeError("x"))).toThrow(TypeError);
    const api = { getMe: async () => Promise.reject(new TypeError("a bug of ours")) } as never;
    const time = fakeTime();
    await expect(connectToTelegram({ api, apiRoot: ROOT, log: memoryLog().log, ...time })).rejects.toThrow(
      "a bug of ours",
    );
    expect(time.pauses).toEqual([]);
  });
});
