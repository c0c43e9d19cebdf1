/**
 * Every benchmark, one after another, each in a child process of its own (so that none disturbs another's
 * timings or memory), printed as one table: each number with its target, and where a benchmark measures a
 * reference (load: bare grammY with in-memory state) the ratio beside the reference's number.
 *   npm run bench [-- [--quick] [--verbose] [name…]]
 * --quick runs reduced sizes (a smoke run; the targets stay those of the full sizes); names pick benchmarks
 * by part of their name; --verbose passes each benchmark's own output through. A missed target is a ❌ in
 * the table, not a failure: the exit code is 1 only when a benchmark crashed (2 for a wrong argument).
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchRow, formatNumber, RESULT_PREFIX } from "./support/report";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);

export interface BenchEntry {
  name: string;
  /** Positional arguments of the benchmark for --quick (its own defaults otherwise). */
  quickArgs: string[];
}

/** In the order they run: the pure ones first, then those on PostgreSQL (and PGlite). */
export const BENCHES: BenchEntry[] = [
  { name: "add-working-days", quickArgs: ["200000"] },
  { name: "documents", quickArgs: ["20"] },
  { name: "digest", quickArgs: ["200", "2000"] },
  { name: "breach", quickArgs: ["200", "2000", "1"] },
  { name: "purge", quickArgs: ["100", "500", "200"] },
  { name: "send-throughput", quickArgs: ["60", "20"] },
  { name: "load", quickArgs: ["50", "4"] },
  { name: "cold-start", quickArgs: ["1"] },
  { name: "roster-import", quickArgs: ["500"] },
  { name: "statistics", quickArgs: ["1000", "3"] },
];

export interface BenchOutcome {
  name: string;
  rows: BenchRow[];
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  /** Ended without its result line, or by a signal, or with an error code while every target was met. */
  crashed: boolean;
  /** Its stdout and stderr, interleaved as they came. */
  output: string;
}

/** Runs one benchmark file as `node --import tsx file args` with BENCH_JSON=1 and collects its rows. */
export function runBench(
  name: string,
  file: string,
  args: string[] = [],
  opts: { verbose?: boolean } = {},
): Promise<BenchOutcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
      cwd: ROOT,
      env: { ...process.env, BENCH_JSON: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      output += s;
      if (opts.verbose) process.stderr.write(s.replace(/^BENCH_RESULT .*\n?/m, ""));
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      output += s;
      if (opts.verbose) process.stderr.write(s);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      let rows: BenchRow[] | undefined;
      const line = stdout
        .split("\n")
        .filter((l) => l.startsWith(RESULT_PREFIX))
        .at(-1);
      if (line) {
        try {
          rows = JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchRow[];
        } catch {
          rows = undefined;
        }
      }
      // A benchmark may exit 1 because it missed its target (send-throughput does): that is no crash.
      const missed = rows?.some((r) => r.ok === false) ?? false;
      const crashed = rows === undefined || signal !== null || (code !== 0 && !missed);
      resolve({
        name,
        rows: rows ?? [],
        code,
        signal,
        seconds: (performance.now() - started) / 1000,
        crashed,
        output,
      });
    });
  });
}

/** Display width: the check marks take two columns in a terminal. */
const width = (s: string) => s.length + (s.match(/[✅❌]/gu)?.length ?? 0);
const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - width(s)));
const withUnit = (x: number, unit: string) => (unit ? `${formatNumber(x)} ${unit}` : formatNumber(x));

/** One aligned table of every row of every outcome; a crashed benchmark is one ❌ row saying so. */
export function renderTable(outcomes: BenchOutcome[]): string {
  const header = ["Benchmark", "Metric", "DB", "Value", "Target", "vs reference"];
  const lines: string[][] = [];
  for (const o of outcomes) {
    for (const r of o.rows) {
      const verdict = r.ok === null ? "" : r.ok ? " ✅" : " ❌";
      const ref = r.reference
        ? `${formatNumber(r.reference.value > 0 ? r.value / r.reference.value : Number.NaN)}× of ` +
          `${withUnit(r.reference.value, r.unit)} (${r.reference.label})`
        : "";
      lines.push([
        r.bench,
        r.metric,
        r.db ?? "—",
        withUnit(r.value, r.unit),
        `${r.target ?? "—"}${verdict}`,
        ref,
      ]);
    }
    if (o.crashed) {
      const how = o.signal ? `killed by ${o.signal}` : `exit code ${o.code}`;
      const what = o.rows.length ? "crashed after its results" : "crashed, no results";
      lines.push([o.name, `${what} (${how})`, "—", "—", "❌", ""]);
    }
  }
  const widths = header.map((h, i) => Math.max(width(h), ...lines.map((l) => width(l[i] ?? ""))));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => "─".repeat(w))), ...lines.map(fmt)].join("\n");
}

export interface Options {
  quick: boolean;
  verbose: boolean;
  names: string[];
}

export function parseArgs(argv: string[]): Options {
  const opts: Options = { quick: false, verbose: false, names: [] };
  for (const a of argv) {
    if (a === "--quick") opts.quick = true;
    else if (a === "--verbose") opts.verbose = true;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a} (--quick, --verbose, or names)`);
    else opts.names.push(a);
  }
  return opts;
}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const chosen = BENCHES.filter((b) => opts.names.length === 0 || opts.names.some((n) => b.name.includes(n)));
  if (chosen.length === 0) {
    console.error(
      `no benchmark matches ${opts.names.join(", ")}; there are ${BENCHES.map((b) => b.name).join(", ")}`,
    );
    return 2;
  }
  const startedAt = new Date();
  const loadBefore = loadavg()[0] ?? 0;
  const outcomes: BenchOutcome[] = [];
  for (const b of chosen) {
    process.stderr.write(`${b.name}${opts.quick ? " (quick)" : ""} …${opts.verbose ? "\n" : " "}`);
    const o = await runBench(
      b.name,
      path.join(BENCH_DIR, `${b.name}.bench.ts`),
      opts.quick ? b.quickArgs : [],
      opts,
    );
    process.stderr.write(`${o.crashed ? "crashed" : "done"} in ${o.seconds.toFixed(1)} s\n`);
    outcomes.push(o);
  }
  const loadAfter = loadavg()[0] ?? 0;

  console.log(
    `\nBenchmarks${opts.quick ? ", quick (reduced sizes; the targets are for the full sizes)" : ""}: ` +
      `${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, node ${process.version}, ` +
      `${cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after\n`,
  );
  console.log(renderTable(outcomes));
  const crashed = outcomes.filter((o) => o.crashed);
  for (const o of crashed) {
    console.log(
      `\n${o.name} crashed; the end of its output:\n${o.output.trimEnd().split("\n").slice(-20).join("\n")}`,
    );
  }
  const missed = outcomes.flatMap((o) => o.rows).filter((r) => r.ok === false).length;
  console.log(
    `\n${outcomes.length} benchmarks, ${crashed.length} crashed, ${missed} target${missed === 1 ? "" : "s"} missed`,
  );
  return crashed.length ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
