/**
 * GET /api/stats, /api/stats.csv and /api/hq/stats (D16): an institution's own viewers see its statistics;
 * HQ viewers any institution's, or all of them side by side. Aggregates only: no row names a person.
 */
import { plainT } from "../../messages/dashboard";
import { listInstitutions } from "../../people/institutions";
import { localDateOf } from "../../rules";
import { statsScope } from "../access";
import { STATS_TABLES, type Statistics, type StatsTable } from "../contract";
import { refuse } from "../http";
import type { RouteContext, RouteHandler } from "../route";
import { computeStatistics, statisticsCsv } from "../statistics";

async function statisticsFor(
  ctx: RouteContext,
  requested: string | null,
): Promise<{ stats: Statistics; institutionIds: readonly number[] }> {
  const { deps, viewer, now } = ctx;
  // Every institution's id only when an HQ viewer may need them (statsScope refuses everyone else first).
  const all = viewer.hq ? (await listInstitutions(deps.db)).map((i) => i.id).sort((a, b) => a - b) : [];
  const institutionIds = statsScope(viewer, requested, all);
  return {
    stats: await computeStatistics(deps.db, { institutionIds, today: localDateOf(now) }),
    institutionIds,
  };
}

export const stats: RouteHandler = async (ctx) =>
  (await statisticsFor(ctx, ctx.url.searchParams.get("institution"))).stats;

/** D16: HQ only, every institution. */
export const hqStats: RouteHandler = async (ctx) =>
  ctx.viewer.hq ? (await statisticsFor(ctx, "all")).stats : refuse("forbidden");

/**
 * One table as CSV (UTF-8 with a BOM, for Excel), headers in the reader's language; sent as a download,
 * which Telegram's WebApp.downloadFile fetches itself (so the init data may come in `tma=`).
 */
export const statsCsv: RouteHandler = async (ctx) => {
  const table = ctx.url.searchParams.get("table") as StatsTable | null;
  if (!table || !STATS_TABLES.includes(table)) return refuse("bad_request");
  const { stats: s, institutionIds } = await statisticsFor(ctx, ctx.url.searchParams.get("institution"));
  const body = Buffer.from(statisticsCsv(s, table, plainT(ctx.viewer.lang)));
  // "states-3-2026-03-20.csv": the table, the institution (or "all"), the day counted.
  const scope = institutionIds.length === 1 ? String(institutionIds[0]) : "all";
  const name = `${table}-${scope}-${s.asOf}.csv`;
  ctx.res
    .writeHead(200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "content-length": body.length,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      // Telegram Web downloads the file from its own page (WebApp.downloadFile).
      "access-control-allow-origin": "https://web.telegram.org",
    })
    .end(body);
  return undefined;
};
