/**
 * The machine-readable side of every benchmark: each one, run with BENCH_JSON=1, ends with one line
 * `BENCH_RESULT [rows…]` that bench/run-all.ts collects into one table. Run alone, a benchmark prints only
 * its own lines, as before. A row carries its target as text and whether it was met, so the runner needs
 * no knowledge of any benchmark.
 */

export const RESULT_PREFIX = "BENCH_RESULT ";

export type Db = "postgres" | "pglite";

export interface BenchRow {
  bench: string;
  metric: string;
  /** The database it ran on; null for pure code. */
  db: Db | null;
  value: number;
  unit: string;
  /** As shown, e.g. "≥ 25 msg/s" or "≥ 0.5× ref"; null when the number is informative only. */
  target: string | null;
  /** The same measure on the reference (load: bare grammY with in-memory state), in `unit`. */
  reference?: { value: number; label: string };
  /** null when there is no target. */
  ok: boolean | null;
}

export interface Target {
  op: "≥" | "≤" | "=";
  value: number;
  /** Compare value / reference with `value` instead of the value itself (issue 17: ratios to bare grammY). */
  ofReference?: boolean;
}

export interface RowInput {
  metric: string;
  db?: Db | null;
  value: number;
  unit: string;
  target?: Target;
  reference?: { value: number; label: string };
}

export const formatNumber = (x: number): string => {
  const abs = Math.abs(x);
  const digits = abs >= 100 || Number.isInteger(x) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return x.toLocaleString("en-US", { maximumFractionDigits: digits });
};

function meets(t: Target, x: number): boolean {
  if (t.op === "≥") return x >= t.value;
  if (t.op === "≤") return x <= t.value;
  return x === t.value;
}

/** A row of `bench`, its target checked here so that every benchmark checks the same way. */
export function row(bench: string, r: RowInput): BenchRow {
  const out: BenchRow = {
    bench,
    metric: r.metric,
    db: r.db ?? null,
    value: r.value,
    unit: r.unit,
    target: null,
    ok: null,
  };
  if (r.reference) out.reference = r.reference;
  const t = r.target;
  if (t) {
    if (t.ofReference) {
      if (!r.reference) throw new Error(`${bench} / ${r.metric}: a target relative to a reference needs one`);
      out.target = `${t.op} ${formatNumber(t.value)}× ref`;
      out.ok = r.reference.value > 0 && meets(t, r.value / r.reference.value);
    } else {
      out.target = `${t.op} ${formatNumber(t.value)}${r.unit ? ` ${r.unit}` : ""}`;
      out.ok = meets(t, r.value);
    }
  }
  return out;
}

/** The final line for bench/run-all.ts; printed only when it asks (BENCH_JSON=1). */
export function emit(rows: BenchRow[]): void {
  if (process.env.BENCH_JSON === "1") process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(rows)}\n`);
}
