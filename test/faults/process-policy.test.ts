/**
 * The process-level policy for errors no handler caught (src/process-policy.ts, installed by src/main.ts
 * and src/jobs/main.ts), on both databases: an unhandled rejection is logged and the program keeps
 * running (Node's default is to exit with code 1: issue 12.1); an exception thrown inside the database
 * driver is logged and the program keeps running; any other uncaught exception is logged and the process
 * exits with code 1 for its supervisor to restart.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { isDriverError, processPolicy } from "../../src/process-policy";

/** An error whose top frame is in the driver, as the TypeError of porsager/postgres #1208 was. */
function driverError() {
  const err = new TypeError("Cannot read properties of null (reading 'write')");
  err.stack = [
    "TypeError: Cannot read properties of null (reading 'write')",
    "    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)",
    "    at process.processImmediate (node:internal/timers:483:21)",
  ].join("\n");
  return err;
}

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

describe("process policy", () => {
  it("tells the driver's errors from the program's by the top stack frame", () => {
    expect(isDriverError(driverError())).toBe(true);
    expect(isDriverError(new Error("ours"))).toBe(false);
    expect(isDriverError("not an error")).toBe(false);
  });

  it("unhandled rejections are logged (without query parameters) and never end the process", () => {
    const { log, lines } = memoryLogger();
    const exits: number[] = [];
    const policy = processPolicy(log as never, (c) => exits.push(c));
    policy.onUnhandledRejection(driverError());
    policy.onUnhandledRejection(
      new Error('Failed query: insert into users values ($1)\nparams: 500034,"Name"'),
    );
    expect(exits).toEqual([]);
    expect(lines.map((l) => [l.level, l.source])).toEqual([
      [50, "database driver"],
      [50, "program"],
    ]);
    expect(JSON.stringify(lines)).not.toContain("500034");
  });

  it("an exception thrown inside the driver is logged and the process goes on; any other exits with 1", () => {
    const { log, lines } = memoryLogger();
    const exits: number[] = [];
    const policy = processPolicy(log as never, (c) => exits.push(c));
    policy.onUncaughtException(driverError());
    expect(exits).toEqual([]);
    policy.onUncaughtException(new Error("a bug of ours"));
    expect(exits).toEqual([1]);
    expect(lines.map((l) => l.level)).toEqual([50, 60]); // error, then fatal
  });

  /** Runs a small program that installs the policy as src/main.ts does, then misbehaves. */
  function runWithPolicy(body: string): Promise<{ code: number | null; out: string }> {
    const root = path.resolve(__dirname, "../..");
    const script = `
      import { createLogger } from "./src/logger.ts";
      import { installProcessPolicy } from "./src/process-policy.ts";
      installProcessPolicy(createLogger("info"));
      ${body}
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
  }

  it("a real process keeps running after an unhandled rejection and a driver exception", async () => {
    const { code, out } = await runWithPolicy(`
      Promise.reject(new Error("connection terminated"));
      setImmediate(() => {
        const e = new TypeError("Cannot read properties of null (reading 'write')");
        e.stack = "TypeError: x\\n    at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:255:22)";
        throw e;
      });
      setTimeout(() => { console.log("still serving"); process.exit(0); }, 300);
    `);
    expect(out).toContain("still serving");
    expect(out).toContain("unhandled promise rejection");
    expect(out).toContain("uncaught exception in the database driver");
    expect(code).toBe(0);
  }, 30_000);

  it("a real process exits with 1 after logging an exception of its own", async () => {
    const { code, out } = await runWithPolicy(`
      setImmediate(() => { throw new Error("a bug of ours"); });
      setTimeout(() => { console.log("still running"); process.exit(0); }, 1000);
    `);
    expect(code).toBe(1);
    expect(out).toContain('"msg":"uncaught exception: exiting"');
    expect(out).not.toContain("still running");
  }, 30_000);
});
