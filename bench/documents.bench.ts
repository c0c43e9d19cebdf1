// Time to build the four DOCX documents of one case (target: ≤ 50 ms each on the CI machine kind).
// Plain script: `npx tsx bench/documents.bench.ts [runs=200]`. Pure: no database (the facts are built in memory).
import { buildDocument, DOCUMENT_KINDS } from "../src/documents/build";
import type { DocFacts } from "../src/documents/facts";
import { type BenchRow, emit, row } from "./support/report";

const facts: DocFacts = {
  caseId: 12,
  ground: "own_will",
  category: "masters",
  institution: {
    nameKk: "ҰҚК Академиясы",
    nameRu: "Академия КНБ",
    headTitleKk: "ҰҚК Академиясының бастығына",
    headTitleRu: "Начальнику Академии КНБ",
  },
  learner: {
    fullName: "Ахметова Дана Болатқызы",
    rank: "капитан",
    category: "masters",
    faculty: "Тергеу факультеті",
    course: "3",
    groupName: "Т-31",
    sendingUnit: "ҰҚК Алматы облысы бойынша департаменті",
  },
  report: {
    version: 1,
    lang: "kk",
    reasons: "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын. ".repeat(30), // ~1,800 characters
    phone: "+7 701 555 44 33",
    conscriptServed: false,
    submittedOn: "2026-03-20",
  },
  interview: {
    date: "2026-03-20",
    by: { name: "Полковник Серіков Д.А.", position: "Бастықтың кадр жөніндегі орынбасары" },
  },
  decisionOn: "2026-03-23",
  head: { name: "Генерал-майор Оспанов Е.Т.", position: "ҰҚК Академиясының бастығы" },
  order: { number: "17-ж", date: "2026-03-24" },
  purged: false,
  filing: null,
};

const RUNS = Number(process.argv[2] ?? 200);
const rows: BenchRow[] = [];
console.log(`documents: ${RUNS} builds of each kind (after 20 warm-up builds), kk and ru alternating`);
for (const kind of DOCUMENT_KINDS) {
  for (let i = 0; i < 20; i++) await buildDocument(kind, facts, i % 2 ? "ru" : "kk");
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const doc = await buildDocument(kind, facts, i % 2 ? "ru" : "kk");
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    bytes = doc.data.length;
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  const verdict = Number(p(0.5)) <= 50 ? "✅" : "❌";
  console.log(
    `  ${kind.padEnd(16)} p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  ${(bytes / 1024).toFixed(1)} KiB  target p50 ≤ 50 ms ${verdict}`,
  );
  rows.push(
    row("documents", {
      metric: `${kind} p50`,
      value: Number(p(0.5)),
      unit: "ms",
      target: { op: "≤", value: 50 },
    }),
    row("documents", { metric: `${kind} p99`, value: Number(p(0.99)), unit: "ms" }),
  );
}
emit(rows);
