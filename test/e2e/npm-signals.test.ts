/**
 * Stopping the program through npm (issue 12.12): a container runtime or `kill <pid>` sends SIGTERM to the
 * process it started, here `npm start` (or `npm run jobs`), and nothing else. npm hands the signal to its
 * child; the scripts `exec` node so that the child is node itself and not a shell that ignores it. Before
 * the fix npm exited at once and node went on running (polling, holding the data directory).
 * Linux only (reads /proc to find every process npm started).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const TOKEN = "123456789:npm-signal-test-token-for-loopback";

/** Every live process below `pid` (children, grandchildren...). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z"; // a zombie has exited
  } catch {
    return false;
  }
};

async function waitUntil(ok: () => boolean, ms: number) {
  const start = Date.now();
  while (!ok() && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 100));
  return ok();
}

describe.skipIf(process.platform !== "linux")("SIGTERM to the npm process", () => {
  let api: Server;
  let apiRoot: string;
  let dataDir: string;
  const started: ChildProcess[] = [];
  const leftovers: number[] = [];

  beforeAll(async () => {
    // A minimal Bot API on loopback: getMe answers, long polling returns nothing after a short wait.
    api = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const method = (req.url ?? "").split("/").pop();
        const result =
          method === "getMe"
            ? { id: 42, is_bot: true, first_name: "Bot", username: "signal_test_bot" }
            : method === "getUpdates"
              ? []
              : true;
        setTimeout(
          () => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ ok: true, result }));
          },
          method === "getUpdates" ? 200 : 0,
        );
      });
    });
    await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
    const addr = api.address();
    apiRoot = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    dataDir = mkdtempSync(path.join(tmpdir(), "npm-signal-"));
  });

  afterAll(async () => {
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, "SIGKILL");
    for (const c of started) if (c.exitCode === null) c.kill("SIGKILL");
    await new Promise((r) => api.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [script, ready] of [
    ["start", '"msg":"bot started"'],
    ["jobs", '"msg":"jobs started"'],
  ] as const) {
    it(`npm ${script === "start" ? "start" : "run jobs"}: node stops cleanly and npm exits`, async () => {
      const npm = spawn("npm", ["run", script], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: apiRoot,
          DATA_DIR: path.join(dataDir, script),
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      started.push(npm);
      let out = "";
      npm.stdout!.on("data", (d) => {
        out += d;
      });
      npm.stderr!.on("data", (d) => {
        out += d;
      });
      const npmExited = new Promise<number | null>((r) => npm.once("exit", (code) => r(code)));
      expect(await waitUntil(() => out.includes(ready), 60_000)).toBe(true);
      const below = descendants(npm.pid!);
      leftovers.push(...below);
      expect(below.length).toBeGreaterThan(0);

      npm.kill("SIGTERM"); // to npm alone, as `kill <pid>` or a container runtime does
      expect(await waitUntil(() => below.every((pid) => !alive(pid)), 15_000)).toBe(true);
      expect(out).toContain('"signal":"SIGTERM"');
      expect(out).toContain('"msg":"stopped"');
      await npmExited;
    }, 90_000);
  }
});
