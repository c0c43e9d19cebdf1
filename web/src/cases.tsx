/** Cases: the institution's cases with filters, search and paging; a tap opens the case page. */
import { useState } from "preact/hooks";
import type { CaseFilter, CaseListItem } from "../../src/dashboard/contract";
import { useApp } from "./context";
import { localDate } from "./text";
import { Body, useLoad } from "./ui";

type SelectKey = "ground" | "category" | "state" | "faculty" | "course";

export function CasesPage(props: {
  filter: CaseFilter;
  onFilter: (f: CaseFilter) => void;
  onOpen: (caseId: number) => void;
}) {
  const { api, t, me } = useApp();
  const { filter, onFilter } = props;
  const loaded = useLoad(() => api.cases(filter), JSON.stringify(filter));
  // The roster's values; kept from the last answer while the next one loads.
  const facets = loaded.data?.facets ?? { faculties: [], courses: [] };
  const set = (patch: Partial<CaseFilter>) => onFilter({ ...filter, ...patch, page: 1 });
  const labelOptions = (kind: "ground" | "category" | "state") =>
    Object.entries(me.labels[kind]).map(([value, text]) => ({ value, text }));
  const plain = (values: string[]) => values.map((v) => ({ value: v, text: v }));
  const selects: { key: SelectKey; options: { value: string; text: string }[] }[] = [
    { key: "ground", options: labelOptions("ground") },
    { key: "category", options: labelOptions("category") },
    { key: "state", options: labelOptions("state") },
    { key: "faculty", options: plain(facets.faculties) },
    { key: "course", options: plain(facets.courses) },
  ];
  const active = selects.filter((s) => filter[s.key]).length + (filter.overdue ? 1 : 0);

  return (
    <section class="page" data-page="cases">
      <SearchBox key={filter.q ?? ""} value={filter.q ?? ""} onSearch={(q) => set({ q: q || undefined })} />
      <details class="filter-box" open={active > 0}>
        <summary>
          {t("filters")}
          {active > 0 && <span class="badge">{active}</span>}
        </summary>
        <div class="filters">
          {selects.map((s) => (
            <label key={s.key} class="field">
              <span>{t(`filter_${s.key}`)}</span>
              <select
                name={s.key}
                value={filter[s.key] ?? ""}
                onChange={(e) => set({ [s.key]: (e.currentTarget as HTMLSelectElement).value || undefined })}
              >
                <option value="">{t("filter_any")}</option>
                {s.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.text}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <label class="check">
            <input
              type="checkbox"
              name="overdue"
              checked={filter.overdue === "1"}
              onChange={(e) =>
                set({ overdue: (e.currentTarget as HTMLInputElement).checked ? "1" : undefined })
              }
            />
            <span>{t("filter_overdue")}</span>
          </label>
        </div>
      </details>
      {(active > 0 || filter.q) && (
        <button type="button" class="link reset" onClick={() => onFilter({})}>
          {t("filters_reset")}
        </button>
      )}
      <Body loaded={loaded} t={t}>
        {(data) => {
          const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
          return (
            <>
              <p class="muted total" data-total={data.total}>
                {t("cases_total", { count: data.total })}
              </p>
              {data.items.length === 0 ? (
                <p class="empty">{t("cases_empty")}</p>
              ) : (
                <ul class={`cards${loaded.loading ? " stale" : ""}`}>
                  {data.items.map((item) => (
                    <CaseCard key={item.id} item={item} onOpen={props.onOpen} />
                  ))}
                </ul>
              )}
              {pages > 1 && (
                <nav class="pager">
                  <button
                    type="button"
                    class="button secondary"
                    disabled={data.page <= 1}
                    onClick={() => onFilter({ ...filter, page: data.page - 1 })}
                  >
                    {t("page_prev")}
                  </button>
                  <span>{t("page_of", { page: data.page, pages })}</span>
                  <button
                    type="button"
                    class="button secondary"
                    disabled={data.page >= pages}
                    onClick={() => onFilter({ ...filter, page: data.page + 1 })}
                  >
                    {t("page_next")}
                  </button>
                </nav>
              )}
            </>
          );
        }}
      </Body>
    </section>
  );
}

function SearchBox(props: { value: string; onSearch: (q: string) => void }) {
  const { t } = useApp();
  const [text, setText] = useState(props.value);
  return (
    <form
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <input
        type="search"
        name="q"
        value={text}
        placeholder={t("search_placeholder")}
        aria-label={t("search_placeholder")}
        enterkeyhint="search"
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" class="button">
        {t("search")}
      </button>
    </form>
  );
}

function CaseCard(props: { item: CaseListItem; onOpen: (caseId: number) => void }) {
  const { t, label } = useApp();
  const { item } = props;
  return (
    <li>
      <button
        type="button"
        class={`card${item.overdue ? " overdue" : ""}`}
        data-case={item.id}
        onClick={() => props.onOpen(item.id)}
      >
        <span class="card-head">
          <span class="case-no">{t("case_no", { id: item.id })}</span>
          <span class="badge">{label("state", item.state)}</span>
          {item.overdue && <span class="badge danger">{t("overdue_badge")}</span>}
        </span>
        <span class="card-title">{item.learner}</span>
        <span class="card-line muted">
          {item.personalNumber} · {item.faculty} · {t("course_n", { course: item.course })}
        </span>
        <span class="card-line">
          {label("ground", item.ground)} · {label("category", item.category)}
        </span>
        <span class="card-line muted">{t("registered_on", { date: localDate(item.registeredOn) })}</span>
        {item.currentStep && (
          <span class="card-line">{t("current_step", { step: label("step", item.currentStep) })}</span>
        )}
      </button>
    </li>
  );
}
