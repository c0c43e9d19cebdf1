/**
 * Start-up never hangs silently (issue 14.13), through the real program (src/main.ts as `npm start` runs it):
 * Telegram unreachable is said within 30 s with the API root and retried until it answers or SIGTERM; a
 * token Telegram refuses ends the program with exit code 1 and a line saying the token is wrong.
 * telegram-test-api accepts any token, so a small Bot API on loopback stands in for Telegram here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort, type Program, startProgram, waitForOutput } from "../../src/demo/program";

const TOKEN = "123456789:startup-test-token-for-loopback-only";
const SECRET_PART = "startup-test-token";

/** A Bot API on loopback: getMe answers `getMe`, long polling returns nothing, every other call true. */
async function fakeBotApi(port: number, getMe: { status: number; body: unknown }): Promise<Server> {
  const api = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const method = (req.url ?? "").split("/").pop();
      const [status, body] =
        method === "getMe"
          ? [getMe.status, getMe.body]
          : [200, { ok: true, result: method === "getUpdates" ? [] : true }];
      setTimeout(
        () => {
          res.statusCode = status;
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(body));
        },
        method === "getUpdates" ? 200 : 0,
      );
    });
  });
  await new Promise<void>((r) => api.listen(port, "127.0.0.1", r));
  return api;
}

const ME = {
  status: 200,
  body: { ok: true, result: { id: 123456789, is_bot: true, first_name: "Bot", username: "startup_bot" } },
};

/** Stops the program with SIGTERM; fails with what it printed if it has not exited within `ms`. */
async function stopWithin(p: Program, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM:\n${p.output()}`)), ms);
  });
  try {
    return await Promise.race([p.stop("SIGTERM"), late]);
  } finally {
    clearTimeout(timer);
  }
}

const lines = (p: Program) =>
  p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("start-up when Telegram is unreachable or refuses the token", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "startup-"));
  const programs: Program[] = [];
  const servers: { close(cb: () => void): void }[] = [];
  const sockets: Socket[] = [];
  const start = (apiRoot: string) => {
    const p = startProgram({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      DATA_DIR: path.join(dataDir, String(programs.length)),
      LOG_LEVEL: "info",
    });
    programs.push(p);
    return p;
  };

  afterEach(async () => {
    for (const p of programs.splice(0)) await p.stop("SIGKILL");
    for (const s of sockets.splice(0)) s.destroy();
    for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("nothing listens at the API root: says so within 30 s, retries visibly, starts once Telegram answers", async () => {
    const port = await freePort();
    const apiRoot = `http://127.0.0.1:${port}`;
    const t0 = Date.now();
    const p = start(apiRoot);
    await waitForOutput(p, '"attempt":2', 30_000);
    expect(Date.now() - t0).toBeLessThan(30_000);
    const warns = lines(p).filter((l) => l.level === 40);
    expect(warns.map((w) => [w.attempt, w.apiRoot, w.reason])).toEqual([
      [1, apiRoot, "ECONNREFUSED"],
      [2, apiRoot, "ECONNREFUSED"],
    ]);
    expect(warns[0]!.msg).toMatch(/^Telegram is unreachable: retrying/);
    expect(p.output()).not.toContain("database ready"); // Telegram first

    // Telegram comes back: the program starts normally, with no restart.
    servers.push(await fakeBotApi(port, ME));
    // Generous: on a loaded CI machine the embedded database's start and migrations take tens of seconds.
    await waitForOutput(p, "bot started", 60_000);
    const msgs = lines(p).map((l) => l.msg);
    expect(msgs.indexOf("Telegram reachable again")).toBeLessThan(msgs.indexOf("database ready"));
    expect(await stopWithin(p, 30_000)).toBe(0);
    expect(p.output()).toContain('"msg":"stopped"');
    expect(p.output()).not.toContain(SECRET_PART);
  }, 150_000);

  it("a connection that never answers: the attempt times out and is said within 30 s; SIGTERM stops it", async () => {
    // Accepts and then says nothing, as a firewall that drops packets or a hung proxy would.
    const silent = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    servers.push(silent);
    const addr = silent.address();
    const apiRoot = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    const t0 = Date.now();
    const p = start(apiRoot);
    await waitForOutput(p, "Telegram is unreachable", 30_000);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(lines(p).find((l) => l.level === 40)).toMatchObject({
      apiRoot,
      attempt: 1,
      reason: expect.stringMatching(/timed out/),
    });
    const t1 = Date.now();
    expect(await stopWithin(p, 30_000)).toBe(0);
    expect(Date.now() - t1).toBeLessThan(5_000);
    expect(p.output()).toContain('"msg":"stopped before Telegram answered"');
  }, 60_000);

  for (const [status, description] of [
    [401, "Unauthorized"],
    [404, "Not Found"],
  ] as const) {
    it(`Telegram answers ${status} ${description}: exit code 1 at once, one line says the token is wrong`, async () => {
      const port = await freePort();
      servers.push(await fakeBotApi(port, { status, body: { ok: false, error_code: status, description } }));
      const t0 = Date.now();
      const p = start(`http://127.0.0.1:${port}`);
      expect(await p.exited).toBe(1);
      expect(Date.now() - t0).toBeLessThan(30_000);
      const out = lines(p);
      const problems = out.filter((l) => (l.level as number) >= 40);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ level: 60, status, botId: "123456789" });
      expect(problems[0]!.msg).toMatch(/^Telegram rejected BOT_TOKEN: the token is wrong/);
      expect(out.map((l) => l.msg)).not.toContain("database ready");
      expect(p.output()).not.toContain(SECRET_PART);
    }, 60_000);
  }
});
