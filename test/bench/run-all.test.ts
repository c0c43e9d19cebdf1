/**
 * `npm run bench` (bench/run-all.ts, issue 15.7 and 17): every benchmark in a child process, one table of
 * their rows with targets; a missed target is a ❌, only a crash makes the exit code non-zero. Nothing here
 * checks a timing: the rows and the verdicts' places, not how fast anything was.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderTable, runBench } from "../../bench/run-all";
import { RESULT_PREFIX, row } from "../../bench/support/report";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "run-all-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAll(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run-all.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stand-in benchmark file: `body` runs as an ES module under tsx, as a real one does. */
function fakeBench(name: string, body: string): string {
  const file = path.join(dir, `${name}.bench.mjs`);
  writeFileSync(file, body);
  return file;
}

describe("npm run bench", () => {
  it("--quick on one benchmark prints one table with each of its rows and their targets", async () => {
    const { code, stdout, stderr } = await runAll(["--quick", "add-working-days"]);
    expect(code, stderr).toBe(0);
    const lines = stdout.split("\n");
    const header = lines.findIndex((l) => /^Benchmark\s+Metric\s+DB\s+Value\s+Target/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    const rows = lines.filter((l) => l.startsWith("add-working-days "));
    expect(rows).toHaveLength(3);
    for (const metric of ["DEFAULT_CALENDAR", "six-day calendar", "Date from (Almaty local date)"]) {
      const line = rows.find((l) => l.includes(metric));
      expect(line, metric).toMatch(/\d[\d,]* calls\/s\s+≥ 1,000,000 calls\/s [✅❌]/);
    }
    // Only the chosen benchmark ran; its own lines are not mixed into the table.
    expect(stdout).not.toMatch(/^(digest|load|documents) /m);
    expect(stdout).not.toContain(RESULT_PREFIX);
    expect(stdout).toContain("1 benchmarks, 0 crashed");
  }, 60_000);

  it("a name that matches no benchmark is a usage error that lists them", async () => {
    const { code, stderr } = await runAll(["no-such-bench"]);
    expect(code).toBe(2);
    expect(stderr).toContain("add-working-days, documents, digest");
  }, 30_000);

  it("a missed target is a ❌ but no crash, even when the benchmark exits 1 for it", async () => {
    const rows = [
      row("fake", {
        metric: "throughput",
        db: "postgres",
        value: 100,
        unit: "updates/s",
        reference: { value: 400, label: "bare grammY" },
        target: { op: "≥", value: 0.5, ofReference: true },
      }),
    ];
    const file = fakeBench(
      "missed",
      `process.stdout.write(${JSON.stringify(`${RESULT_PREFIX}${JSON.stringify(rows)}\n`)}); process.exit(1);`,
    );
    const o = await runBench("fake", file);
    expect(o.crashed).toBe(false);
    expect(o.rows).toEqual(rows);
    const table = renderTable([o]);
    const line = table.split("\n").find((l) => l.startsWith("fake "));
    expect(line).toMatch(/100 updates\/s\s+≥ 0\.5× ref ❌\s+0\.25× of 400 updates\/s \(bare grammY\)$/);
  }, 30_000);

  it("a benchmark that throws, or ends without its result line, is a crash shown in the table", async () => {
    const threw = await runBench("thrower", fakeBench("thrower", `throw new Error("boom");`));
    const silent = await runBench("silent", fakeBench("silent", `console.log("no result");`));
    expect([threw.crashed, silent.crashed]).toEqual([true, true]);
    expect(threw.output).toContain("boom");
    const table = renderTable([threw, silent]);
    expect(table).toMatch(/^thrower\s+crashed, no results \(exit code 1\).*❌/m);
    expect(table).toMatch(/^silent\s+crashed, no results \(exit code 0\).*❌/m);
  }, 30_000);
});
