/**
 * An optional SQL statement counter for benchmarks (issue 17: round trips per update, per step). Off unless
 * BENCH_COUNT_QUERIES=1. It patches drizzle's postgres.js driver classes in this process only (the bench
 * side; src/ is untouched): every statement drizzle sends (select, insert, db.execute, relational queries)
 * and every transaction's BEGIN/COMMIT (savepoints too) is counted and timed from the client's side, which
 * includes waiting for a pooled connection. Each statement is charged to the label of the async context it
 * was issued in (`withLabel`, e.g. the flow's step), so concurrent updates are kept apart.
 *
 * Round trips: the database is opened with prepared statements by default (src/db/client.ts
 * `preparingClient`): every statement goes to postgres.js's statement cache, one round trip each. Opened
 * with `prepare: false` (BENCH_PREPARE=0, bench/support/scratch-db.ts), drizzle passes `prepare: false` for
 * unnamed queries, and postgres.js then sends a statement that has parameters as Parse/Describe, waits for
 * the parameter types, and only then Bind/Execute (node_modules/postgres/src/connection.js build():
 * `describeFirst = parameters.length && !q.prepared`): two round trips. `roundTrips` counts them that way.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import {
  PostgresJsPreparedQuery,
  PostgresJsSession,
  PostgresJsTransaction,
} from "drizzle-orm/postgres-js/session";

export const COUNT_QUERIES = process.env.BENCH_COUNT_QUERIES === "1";
/** As bench/support/scratch-db.ts opens the database: prepared statements unless BENCH_PREPARE=0. */
const PREPARED = process.env.BENCH_PREPARE !== "0";

interface Stat {
  count: number;
  ms: number;
  roundTrips: number;
  /** Characters of text parameters sent (the conversation state's JSON, message payloads). */
  chars: number;
  /** The first statement seen of this shape, as sent, with its parameters (for EXPLAIN). */
  example?: { sql: string; params: unknown[] };
}

interface LabelStat extends Stat {
  units: number;
  transactions: number;
}

const context = new AsyncLocalStorage<string>();
const byLabel = new Map<string, LabelStat>();
const byStatement = new Map<string, Stat>();
/** label → normalised statement → count. */
const byLabelStatement = new Map<string, Map<string, number>>();
let installed = false;
let on = false;

/** One normalised text per statement shape: whitespace folded, multi-row VALUES and IN lists collapsed. */
export function normalise(sql: string): string {
  return sql
    .replace(/\s+/g, " ")
    .replace(/\(\$\d+(, \$\d+)*\)(, \(\$\d+(, \$\d+)*\))+/g, "($…), …")
    .replace(/\$\d+(, \$\d+)+/g, "$…")
    .trim();
}

function charge(sql: string, ms: number, roundTrips: number, params?: unknown[], chars = 0) {
  const label = context.getStore() ?? "(none)";
  const l = byLabel.get(label) ?? { count: 0, ms: 0, roundTrips: 0, chars: 0, units: 0, transactions: 0 };
  l.count++;
  l.ms += ms;
  l.roundTrips += roundTrips;
  byLabel.set(label, l);
  const key = normalise(sql);
  const m = byLabelStatement.get(label) ?? new Map<string, number>();
  m.set(key, (m.get(key) ?? 0) + 1);
  byLabelStatement.set(label, m);
  const s = byStatement.get(key) ?? {
    count: 0,
    ms: 0,
    roundTrips: 0,
    chars: 0,
    example: { sql, params: params ?? [] },
  };
  s.count++;
  s.ms += ms;
  s.roundTrips += roundTrips;
  s.chars += chars;
  byStatement.set(key, s);
}

/** Times `run` (one statement) and charges it, when counting is on. */
async function timed<T>(
  sql: string,
  params: unknown[],
  values: unknown,
  roundTrips: number,
  run: () => Promise<T>,
): Promise<T> {
  if (!on) return run();
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    // A prepared statement's values come as placeholders' values; others are in params.
    const sent = values && typeof values === "object" ? [...params, ...Object.values(values)] : params;
    const chars = sent.reduce<number>((n, v) => n + (typeof v === "string" ? v.length : 0), 0);
    charge(sql, performance.now() - t0, roundTrips, params, chars);
  }
}

/** Patches the driver classes once; a no-op unless BENCH_COUNT_QUERIES=1. */
export function installQueryCounter(): void {
  if (!COUNT_QUERIES || installed) return;
  installed = true;
  type Prepared = {
    queryString: string;
    params: unknown[];
    prepare: boolean;
    execute: (p?: unknown) => Promise<unknown>;
    all: (p?: unknown) => Promise<unknown>;
  };
  const proto = PostgresJsPreparedQuery.prototype as unknown as Prepared;
  // Prepared (the default): one trip each. Unprepared: unnamed statements with parameters take two.
  const trips = (q: Prepared) => (!PREPARED && q.params.length > 0 && !q.prepare ? 2 : 1);
  for (const method of ["execute", "all"] as const) {
    const original = proto[method];
    proto[method] = function (this: Prepared, p?: unknown) {
      return timed(this.queryString, this.params, p, trips(this), () => original.call(this, p));
    };
  }
  // BEGIN … COMMIT: postgres.js sends each as its own statement; the transaction body is counted above.
  const wrapTx = (
    target: { transaction: (...a: unknown[]) => Promise<unknown> },
    begin: string,
    commit: string,
  ) => {
    const original = target.transaction;
    target.transaction = async function (this: unknown, fn: unknown, ...rest: unknown[]) {
      if (!on) return original.call(this, fn, ...rest);
      const label = context.getStore() ?? "(none)";
      const l = byLabel.get(label);
      if (l) l.transactions++;
      const t0 = performance.now();
      let bodyEnd = 0;
      const body = async (...a: unknown[]) => {
        charge(begin, performance.now() - t0, 1);
        try {
          return await (fn as (...x: unknown[]) => Promise<unknown>)(...a);
        } finally {
          bodyEnd = performance.now();
        }
      };
      try {
        return await original.call(this, body, ...rest);
      } finally {
        // From the body's end to here: COMMIT (or ROLLBACK); the body's statements were charged themselves.
        charge(commit, bodyEnd ? performance.now() - bodyEnd : 0, 1);
      }
    };
  };
  wrapTx(PostgresJsSession.prototype as never, "BEGIN", "COMMIT");
  wrapTx(PostgresJsTransaction.prototype as never, "SAVEPOINT", "RELEASE SAVEPOINT");
}

/** Runs fn with statements charged to `label`; counts one unit (e.g. one update) for it. */
export function withLabel<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const l = byLabel.get(label) ?? { count: 0, ms: 0, roundTrips: 0, chars: 0, units: 0, transactions: 0 };
  l.units++;
  byLabel.set(label, l);
  return context.run(label, fn);
}

/** Starts counting from zero (after a warm-up). */
export function startCounting(): void {
  if (!installed) return;
  byLabel.clear();
  byStatement.clear();
  byLabelStatement.clear();
  on = true;
}

export function stopCounting(): void {
  on = false;
}

/** The report: statements per unit by label, then the top statements by count and by total time. */
export function queryReport(order: string[], top = 15): string {
  if (!installed) return "";
  const lines: string[] = [];
  let units = 0;
  let count = 0;
  let rt = 0;
  let ms = 0;
  let tx = 0;
  lines.push(
    "SQL statements per update, by step (client side; ms includes waiting for a pooled connection):",
  );
  lines.push("  step        updates  stmts/upd  roundtrips/upd  tx/upd  db ms/upd");
  const labels = [...order, ...[...byLabel.keys()].filter((k) => !order.includes(k))];
  for (const label of labels) {
    const l = byLabel.get(label);
    if (!l) continue;
    units += l.units;
    count += l.count;
    rt += l.roundTrips;
    ms += l.ms;
    tx += l.transactions;
    const per = (x: number) => (l.units ? x / l.units : 0).toFixed(2).padStart(9);
    lines.push(
      `  ${label.padEnd(10)} ${String(l.units).padStart(8)} ${per(l.count)}  ${per(l.roundTrips).padStart(14)} ${per(l.transactions).padStart(7)} ${per(l.ms).padStart(10)}`,
    );
  }
  const per = (x: number) => (units ? x / units : 0).toFixed(2);
  lines.push(
    `  all: ${units} updates, ${per(count)} statements/update, ${per(rt)} round trips/update, ${per(tx)} transactions/update, ${per(ms)} ms in the database per update`,
  );
  lines.push("Statements per update of each step, in order of first use:");
  for (const label of labels) {
    const l = byLabel.get(label);
    const m = byLabelStatement.get(label);
    if (!l || !m) continue;
    lines.push(`  ${label}:`);
    for (const [sql, n] of m)
      lines.push(
        `    ${(n / l.units).toFixed(2).padStart(5)}  ${sql.length > 140 ? `${sql.slice(0, 140)}…` : sql}`,
      );
  }
  const rows = [...byStatement.entries()];
  const show = (title: string, sorted: [string, Stat][]) => {
    lines.push(title);
    lines.push("  count  /upd   total ms  avg ms  avg chars  statement");
    for (const [sql, s] of sorted.slice(0, top))
      lines.push(
        `  ${String(s.count).padStart(6)} ${(units ? s.count / units : 0).toFixed(2).padStart(5)} ${s.ms.toFixed(0).padStart(9)} ${(s.ms / s.count).toFixed(2).padStart(7)} ${(s.chars / s.count).toFixed(0).padStart(10)}  ${sql.length > 220 ? `${sql.slice(0, 220)}…` : sql}`,
      );
  };
  show(
    `Top ${top} statements by count (${byStatement.size} distinct):`,
    rows.toSorted((a, b) => b[1].count - a[1].count),
  );
  show(
    `Top ${top} statements by total time:`,
    rows.toSorted((a, b) => b[1].ms - a[1].ms),
  );
  return lines.join("\n");
}

/** Every distinct statement with its count, time and one example as sent (for EXPLAIN). */
export function queryStats(): ({ normalised: string } & Stat)[] {
  return [...byStatement.entries()].map(([normalised, s]) => ({ normalised, ...s }));
}
