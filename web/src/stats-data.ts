/**
 * The statistics' rows turned into what the page draws: a chart per table and the table behind it. Pure
 * (no DOM), so the sums can be read and tested apart from the charts.
 */
import type { Statistics, StatsTable } from "../../src/dashboard/contract";
import type { ChartSpec } from "./chart";
import type { LabelKind } from "./text";

export interface Words {
  t: (key: string, vars?: Record<string, string | number>) => string;
  label: (kind: LabelKind, value: string) => string;
}

export interface Scope {
  ground?: string;
  category?: string;
}

export interface TableView {
  /** Column headings; the first column names the row. */
  head: string[];
  rows: { name: string; sub?: string; cells: (string | number)[] }[];
}

type Row = { ground: string; category: string };

export function inScope<R extends Row>(rows: readonly R[], scope: Scope): R[] {
  return rows.filter(
    (r) => (!scope.ground || r.ground === scope.ground) && (!scope.category || r.category === scope.category),
  );
}

/** Sums `value` per `key`, in first-seen order (or `order` where given). */
export function sumBy<R>(
  rows: readonly R[],
  key: (r: R) => string,
  value: (r: R) => number,
  order?: readonly string[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of order ?? []) out.set(k, 0);
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  if (order) for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}

export const percent = (part: number, whole: number) =>
  whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0;

const scopeName = (w: Words, r: Row) => `${w.label("ground", r.ground)} · ${w.label("category", r.category)}`;

/** One table's chart and rows for one or more institutions' statistics (the institution's own page). */
export function tableView(
  table: StatsTable,
  stats: Statistics,
  scope: Scope,
  w: Words,
  stateOrder: readonly string[],
): { chart: ChartSpec; table: TableView } {
  const { t, label } = w;
  switch (table) {
    case "states": {
      const rows = inScope(stats.states, scope);
      const sums = sumBy(
        rows,
        (r) => r.state,
        (r) => r.count,
        stateOrder,
      );
      return {
        chart: {
          kind: "bar",
          horizontal: true,
          labels: [...sums.keys()].map((s) => label("state", s)),
          series: [{ label: t("col_count"), data: [...sums.values()] }],
        },
        table: {
          head: [t("col_name"), t("col_count")],
          rows: rows.map((r) => ({ name: label("state", r.state), sub: scopeName(w, r), cells: [r.count] })),
        },
      };
    }
    case "step_times": {
      const rows = inScope(stats.step_times, scope);
      const seen = new Map<string, number>();
      for (const r of rows) seen.set(r.step, (seen.get(r.step) ?? 0) + 1);
      // A step met under several grounds or categories gets its scope in the name, so bars are never merged.
      const name = (r: (typeof rows)[number]) =>
        (seen.get(r.step) ?? 0) > 1 ? `${label("step", r.step)} (${scopeName(w, r)})` : label("step", r.step);
      return {
        chart: {
          kind: "bar",
          horizontal: true,
          labels: rows.map(name),
          series: [
            { label: t("col_median"), data: rows.map((r) => r.medianDays) },
            { label: t("col_p90"), data: rows.map((r) => r.p90Days) },
          ],
        },
        table: {
          head: [t("col_name"), t("col_done"), t("col_median"), t("col_p90")],
          rows: rows.map((r) => ({
            name: label("step", r.step),
            sub: scopeName(w, r),
            cells: [r.done, r.medianDays, r.p90Days],
          })),
        },
      };
    }
    case "on_time": {
      const rows = inScope(stats.on_time, scope);
      const done = sumBy(
        rows,
        (r) => r.ground,
        (r) => r.done,
      );
      const onTime = sumBy(
        rows,
        (r) => r.ground,
        (r) => r.onTime,
      );
      return {
        chart: {
          kind: "bar",
          horizontal: true,
          percent: true,
          labels: [...done.keys()].map((g) => label("ground", g)),
          series: [
            { label: t("col_share"), data: [...done].map(([g, d]) => percent(onTime.get(g) ?? 0, d)) },
          ],
        },
        table: {
          head: [t("col_name"), t("col_done"), t("col_on_time"), t("col_share")],
          rows: rows.map((r) => ({
            name: label("ground", r.ground),
            sub: label("category", r.category),
            cells: [r.done, r.onTime, `${percent(r.onTime, r.done)}%`],
          })),
        },
      };
    }
    case "overdue": {
      const rows = inScope(stats.overdue, scope);
      const sums = sumBy(
        rows,
        (r) => r.step,
        (r) => r.count,
      );
      return {
        chart: {
          kind: "bar",
          horizontal: true,
          labels: [...sums.keys()].map((s) => label("step", s)),
          series: [{ label: t("col_count"), data: [...sums.values()] }],
        },
        table: {
          head: [t("col_name"), t("col_count")],
          rows: rows.map((r) => ({ name: label("step", r.step), sub: scopeName(w, r), cells: [r.count] })),
        },
      };
    }
    case "monthly": {
      const rows = inScope(stats.monthly, scope).sort((a, b) => a.month.localeCompare(b.month));
      const months = [...new Set(rows.map((r) => r.month))];
      const filed = sumBy(
        rows,
        (r) => r.month,
        (r) => r.filed,
      );
      const ended = sumBy(
        rows,
        (r) => r.month,
        (r) => r.ended,
      );
      return {
        chart: {
          kind: "bar",
          labels: months.map(monthLabel),
          series: [
            { label: t("col_filed"), data: months.map((m) => filed.get(m) ?? 0) },
            { label: t("col_ended"), data: months.map((m) => ended.get(m) ?? 0) },
          ],
        },
        table: {
          head: [t("col_month"), t("col_filed"), t("col_ended"), t("col_statutory_done"), t("col_on_time")],
          rows: rows.map((r) => ({
            name: monthLabel(r.month),
            sub: scopeName(w, r),
            cells: [r.filed, r.ended, r.statutoryDone, r.onTime],
          })),
        },
      };
    }
  }
}

export function monthLabel(ym: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  return m ? `${m[2]}.${m[1]}` : ym;
}

/** Across institutions: each institution's totals side by side (no case, no learner: only counts). */
export function institutionsView(
  stats: Statistics,
  institutions: readonly { id: number; name: string }[],
  scope: Scope,
  w: Words,
  stateOrder: readonly string[],
): { charts: { key: StatsTable; spec: ChartSpec }[]; table: TableView } {
  const { t, label } = w;
  const ids = institutions.map((i) => i.id);
  const names = institutions.map((i) => i.name);
  const states = inScope(stats.states, scope);
  const byInst = <R extends { institutionId: number }>(rows: readonly R[], value: (r: R) => number) =>
    ids.map((id) => rows.filter((r) => r.institutionId === id).reduce((s, r) => s + value(r), 0));
  const usedStates = stateOrder.filter((s) => states.some((r) => r.state === s));
  const onTime = inScope(stats.on_time, scope);
  const done = byInst(onTime, (r) => r.done);
  const kept = byInst(onTime, (r) => r.onTime);
  const shares = ids.map((_, i) => percent(kept[i]!, done[i]!));
  const overdue = byInst(inScope(stats.overdue, scope), (r) => r.count);
  const total = byInst(states, (r) => r.count);
  const monthly = inScope(stats.monthly, scope);
  const months = [...new Set(monthly.map((r) => r.month))].sort();
  return {
    charts: [
      {
        key: "states",
        spec: {
          kind: "bar",
          horizontal: true,
          stacked: true,
          labels: names,
          series: usedStates.map((s) => ({
            label: label("state", s),
            data: byInst(
              states.filter((r) => r.state === s),
              (r) => r.count,
            ),
          })),
        },
      },
      {
        key: "on_time",
        spec: {
          kind: "bar",
          horizontal: true,
          percent: true,
          labels: names,
          series: [{ label: t("col_share"), data: shares }],
        },
      },
      {
        key: "overdue",
        spec: {
          kind: "bar",
          horizontal: true,
          labels: names,
          series: [{ label: t("col_count"), data: overdue }],
        },
      },
      {
        key: "monthly",
        spec: {
          kind: "line",
          labels: months.map(monthLabel),
          series: ids.map((id, i) => ({
            label: names[i]!,
            data: months.map((m) =>
              monthly.filter((r) => r.institutionId === id && r.month === m).reduce((s, r) => s + r.filed, 0),
            ),
          })),
        },
      },
    ],
    table: {
      head: [t("col_institution"), t("col_cases"), t("col_share"), t("col_overdue")],
      rows: ids.map((_, i) => ({
        name: names[i]!,
        cells: [total[i]!, done[i] ? `${shares[i]}%` : "—", overdue[i]!],
      })),
    },
  };
}
