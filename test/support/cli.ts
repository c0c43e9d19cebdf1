/** The administrator's command line against a test database: the exit code per call, all output in one list. */
import { runCli } from "../../src/cli/run";
import type { Harness } from "./harness";

export function cliOutput(h: Harness) {
  const out: string[] = [];
  const run = (...argv: string[]) =>
    runCli(argv, { db: h.db, out: (s) => out.push(s), err: (s) => out.push(s), now: () => h.clock() });
  return { run, out };
}
