/**
 * Statistics: a chart per table and the table behind it, each exportable as CSV. Across institutions (HQ
 * only): the same counts per institution side by side.
 */
import { useState } from "preact/hooks";
import { STATS_TABLES, type Statistics, type StatsTable } from "../../src/dashboard/contract";
import { ChartView } from "./chart";
import { type Ctx, useApp } from "./context";
import { institutionsView, type Scope, type TableView, tableView } from "./stats-data";
import { telegramDownload } from "./telegram";
import { localDate } from "./text";
import { Body, useLoad } from "./ui";

/** The case states in the order the server lists their names (open first, ended last). */
const stateOrder = (ctx: Ctx) => Object.keys(ctx.me.labels.state);

export function StatsPage() {
  const ctx = useApp();
  const { api, t, me } = ctx;
  const [institutionId, setInstitutionId] = useState<number | undefined>(
    me.institution?.id ?? me.institutions[0]?.id,
  );
  const [scope, setScope] = useState<Scope>({});
  const loaded = useLoad(
    () =>
      institutionId === undefined ? Promise.reject(new Error("no institution")) : api.stats(institutionId),
    String(institutionId),
  );
  return (
    <section class="page" data-page="stats">
      {!me.institution && me.institutions.length > 0 && (
        <label class="field wide">
          <span>{t("institution")}</span>
          <select
            name="institution"
            value={String(institutionId)}
            onChange={(e) => setInstitutionId(Number((e.currentTarget as HTMLSelectElement).value))}
          >
            {me.institutions.map((i) => (
              <option key={i.id} value={String(i.id)}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <ScopePicker scope={scope} onScope={setScope} />
      <Body loaded={loaded} t={t}>
        {(stats) => (
          <>
            <p class="muted">{t("as_of", { date: localDate(stats.asOf) })}</p>
            {STATS_TABLES.map((table) => (
              <StatsBlock
                key={table}
                table={table}
                stats={stats}
                scope={scope}
                institutionId={institutionId!}
              />
            ))}
          </>
        )}
      </Body>
    </section>
  );
}

function StatsBlock(props: { table: StatsTable; stats: Statistics; scope: Scope; institutionId: number }) {
  const ctx = useApp();
  const { t } = ctx;
  const { chart, table } = tableView(props.table, props.stats, props.scope, ctx, stateOrder(ctx));
  const title = t(`table_${props.table}`);
  return (
    <article class="block" data-table={props.table}>
      <h2>{title}</h2>
      {table.rows.length === 0 ? (
        <p class="empty">{t("no_data")}</p>
      ) : (
        <>
          <ChartView spec={chart} title={title} />
          <DataTable view={table} />
        </>
      )}
      <CsvLink table={props.table} institutionId={props.institutionId} asOf={props.stats.asOf} />
    </article>
  );
}

export function DataTable(props: { view: TableView; open?: boolean }) {
  const { t } = useApp();
  const { head, rows } = props.view;
  return (
    <details class="table" open={props.open}>
      <summary>{t("show_table")}</summary>
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                {r.name}
                {r.sub && <div class="muted small">{r.sub}</div>}
              </td>
              {r.cells.map((c, j) => (
                <td key={j} class="num">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/**
 * The CSV of one table. Inside Telegram (Bot API 8.0+) the client downloads it (WebApp.downloadFile);
 * elsewhere the browser follows the link. The init data rides in the URL: a download carries no header.
 */
function CsvLink(props: { table: StatsTable; institutionId: number | "all"; asOf: string }) {
  const { api, t, launch } = useApp();
  const url = api.csvUrl(props.table, props.institutionId);
  const fileName = `${props.table}-${props.institutionId}-${props.asOf}.csv`;
  return (
    <a
      class="button secondary csv"
      href={url}
      download={fileName}
      data-csv={props.table}
      onClick={(e) => {
        if (telegramDownload(url, fileName, launch.version)) e.preventDefault();
      }}
    >
      {t("csv_download")}
    </a>
  );
}

function ScopePicker(props: { scope: Scope; onScope: (s: Scope) => void }) {
  const { t, me } = useApp();
  const pick = (kind: "ground" | "category") => (
    <label class="field">
      <span>{t(`filter_${kind}`)}</span>
      <select
        name={`scope-${kind}`}
        value={props.scope[kind] ?? ""}
        onChange={(e) =>
          props.onScope({ ...props.scope, [kind]: (e.currentTarget as HTMLSelectElement).value || undefined })
        }
      >
        <option value="">{t("filter_any")}</option>
        {Object.entries(me.labels[kind]).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div class="filters">
      {pick("ground")}
      {pick("category")}
    </div>
  );
}

export function HqPage() {
  const ctx = useApp();
  const { api, t, me } = ctx;
  const [scope, setScope] = useState<Scope>({});
  const loaded = useLoad(() => api.hqStats(), "hq");
  return (
    <section class="page" data-page="hq">
      <p class="muted">{t("hq_note")}</p>
      <ScopePicker scope={scope} onScope={setScope} />
      <Body loaded={loaded} t={t}>
        {(stats) => {
          const view = institutionsView(stats, me.institutions, scope, ctx, stateOrder(ctx));
          return (
            <>
              <p class="muted">{t("as_of", { date: localDate(stats.asOf) })}</p>
              <article class="block" data-table="institutions">
                <h2>{t("hq_summary")}</h2>
                <DataTable view={view.table} open />
              </article>
              {view.charts.map((c) => (
                <article key={c.key} class="block" data-table={c.key}>
                  <h2>{t(`hq_${c.key}`)}</h2>
                  <ChartView spec={c.spec} title={t(`hq_${c.key}`)} />
                  <CsvLink table={c.key} institutionId="all" asOf={stats.asOf} />
                </article>
              ))}
              {/* Working days per step do not add up across institutions: the table, per institution, as CSV. */}
              <article class="block" data-table="step_times">
                <h2>{t("table_step_times")}</h2>
                <CsvLink table="step_times" institutionId="all" asOf={stats.asOf} />
              </article>
            </>
          );
        }}
      </Body>
    </section>
  );
}
