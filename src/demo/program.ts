/** Runs the real program (src/main.ts) as a child process, as an operator would with `npm start`. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { ROOT } from "../paths";

/** The bot's heap budget, as in package.json's start script (see README, Benchmarks). */
export const HEAP = ["--max-old-space-size=160"];

export interface Program {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startProgram(env: Record<string, string>, opts: { rebuild?: boolean } = {}): Program {
  // What `npm start` runs, command by command: the bundle, rebuilt if the sources changed (scripts/build.mjs;
  // `rebuild`: as after an update), then the program with the heap budget.
  const build = [path.join(ROOT, "scripts/build.mjs"), "main", ...(opts.rebuild ? ["--force"] : [])];
  execFileSync(process.execPath, build, { cwd: ROOT, stdio: "ignore" });
  const child = spawn(process.execPath, [...HEAP, path.join(ROOT, "dist/main.mjs")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until the program's output contains a line, or fails with what it printed. */
export async function waitForOutput(p: Program, needle: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!p.output().includes(needle)) {
    if (p.child.exitCode !== null) throw new Error(`program exited (${p.child.exitCode}):\n${p.output()}`);
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for "${needle}":\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
