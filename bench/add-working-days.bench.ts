// addWorkingDays throughput (target: >= 1,000,000 calls/s on one core for spans 1..10 working days).
// Plain script: `npx tsx bench/add-working-days.bench.ts [calls=5000000]`. Exports run() for an aggregate runner.
import { fileURLToPath } from "node:url";
import { addWorkingDays, fromDayNumber, type LocalDate, makeCalendar, toDayNumber } from "../src/rules/index";
import { emit, row } from "./support/report";

export interface BenchResult {
  name: string;
  calls: number;
  seconds: number;
  callsPerSecond: number;
}

/** Start dates spread over 2023–2028 (seeded years, fallback years, holidays, weekends). */
function startDates(count: number): LocalDate[] {
  const first = toDayNumber("2023-01-01");
  const span = toDayNumber("2028-12-31") - first;
  const out: LocalDate[] = [];
  for (let i = 0; i < count; i++) out.push(fromDayNumber(first + ((i * 7919) % span)));
  return out;
}

function measure(name: string, calls: number, body: (i: number) => LocalDate): BenchResult {
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += body(i).length; // warm-up (JIT, lazy calendar tables)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += body(i).length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink === 0) throw new Error("unreachable");
  return { name, calls, seconds, callsPerSecond: Math.round(calls / seconds) };
}

export function run(calls = 5_000_000): BenchResult[] {
  const dates = startDates(4096);
  const instants = dates.map((d) => new Date(`${d}T17:30:00Z`)); // 22:30 or 23:30 local
  const sixDay = makeCalendar({ weekPattern: [1, 2, 3, 4, 5, 6] });
  return [
    measure("string from, spans 1..10, DEFAULT_CALENDAR", calls, (i) =>
      addWorkingDays(dates[i & 4095] as LocalDate, (i % 10) + 1),
    ),
    measure("string from, spans 1..10, six-day calendar", calls, (i) =>
      addWorkingDays(dates[i & 4095] as LocalDate, (i % 10) + 1, sixDay),
    ),
    measure("Date from (Almaty local date), spans 1..10", calls, (i) =>
      addWorkingDays(instants[i & 4095] as Date, (i % 10) + 1),
    ),
  ];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = run(Number(process.argv[2] ?? 5_000_000));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(48)} ${r.callsPerSecond.toLocaleString("en-US").padStart(12)} calls/s  (${r.calls.toLocaleString("en-US")} calls in ${r.seconds.toFixed(3)} s)`,
    );
  }
  emit(
    results.map((r) =>
      row("add-working-days", {
        metric: r.name,
        value: r.callsPerSecond,
        unit: "calls/s",
        target: { op: "≥", value: 1_000_000 },
      }),
    ),
  );
}
