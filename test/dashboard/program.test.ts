/**
 * Issue 18 through the real program (src/main.ts as `npm start` runs it), polling: with WEBAPP_URL the
 * dashboard listens on WEB_HOST:WEB_PORT (files and API, the API signed), the menu buttons are installed and
 * SIGTERM still stops everything; without it the bot starts as before and says once how to turn it on.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort, type Program, startProgram, waitForOutput } from "../../src/demo/program";

const TOKEN = "123456789:dashboard-program-test-token";

/** A Bot API on loopback: getMe answers, long polling returns nothing, every other call true. */
async function fakeBotApi(port: number): Promise<Server> {
  const api = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const method = (req.url ?? "").split("/").pop();
      const result =
        method === "getMe"
          ? { id: 123456789, is_bot: true, first_name: "Bot", username: "dashboard_bot" }
          : method === "getUpdates"
            ? []
            : true;
      setTimeout(
        () =>
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ ok: true, result })),
        method === "getUpdates" ? 200 : 0,
      );
    });
  });
  await new Promise<void>((r) => api.listen(port, "127.0.0.1", r));
  return api;
}

const messages = (p: Program) =>
  p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);

describe("the program with and without the dashboard", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "dashboard-program-"));
  const programs: Program[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const p of programs.splice(0)) await p.stop("SIGKILL");
    for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("WEBAPP_URL while polling: the dashboard on WEB_PORT; SIGTERM stops it all", async () => {
    const apiPort = await freePort();
    servers.push(await fakeBotApi(apiPort));
    const webPort = await freePort();
    const p = startProgram({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${apiPort}`,
      DATA_DIR: path.join(dataDir, "on"),
      LOG_LEVEL: "info",
      WEBAPP_URL: "https://bot.example.kz/app/",
      WEB_HOST: "127.0.0.1",
      WEB_PORT: String(webPort),
    });
    programs.push(p);
    await waitForOutput(p, "bot started", 90_000);
    await waitForOutput(p, "dashboard menu buttons installed", 10_000);
    expect(messages(p)).toContain("dashboard on");
    const base = `http://127.0.0.1:${webPort}`;
    const me = await fetch(`${base}/api/me`);
    expect([me.status, await me.json()]).toEqual([401, { error: "unauthorized" }]);
    const app = await fetch(`${base}/app/`);
    expect(app.status).toBe(200);
    expect(app.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect(await p.stop("SIGTERM")).toBe(0);
    expect(messages(p)).toContain("stopped");
  }, 150_000);

  it("without WEBAPP_URL: no dashboard, and the log says once how to turn it on", async () => {
    const apiPort = await freePort();
    servers.push(await fakeBotApi(apiPort));
    const p = startProgram({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${apiPort}`,
      DATA_DIR: path.join(dataDir, "off"),
      LOG_LEVEL: "info",
    });
    programs.push(p);
    await waitForOutput(p, "bot started", 90_000);
    const off = messages(p).filter((m) => m.startsWith("dashboard off"));
    expect(off).toHaveLength(1);
    expect(off[0]).toContain("set WEBAPP_URL");
    expect(messages(p)).not.toContain("dashboard menu buttons installed");
    expect(await p.stop("SIGTERM")).toBe(0);
  }, 150_000);
});
