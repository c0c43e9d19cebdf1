/** The shell: asks who the user is, then shows the tabs Me.can allows; every failure is said in words. */
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { CaseFilter, Me } from "../../src/dashboard/contract";
import { createApi } from "./api";
import { CasePage } from "./case-page";
import { CasesPage } from "./cases";
import { AppContext, makeCtx, useApp } from "./context";
import { HqPage, StatsPage } from "./stats";
import { TasksPage } from "./tasks";
import { type Launch, startCase } from "./telegram";
import { bootLanguage, bootStrings, fill } from "./text";
import { ErrorBox, Loading, useLoad } from "./ui";

type Tab = "tasks" | "cases" | "stats" | "hq";
const TABS: readonly Tab[] = ["tasks", "cases", "stats", "hq"];

export function Root(props: { launch: Launch }) {
  const { launch } = props;
  const api = useMemo(() => createApi(launch.initData), [launch.initData]);
  const boot = useMemo(() => bootStrings(launch.languageCode), [launch.languageCode]);
  const bootT = (key: string) => fill(boot, key);
  const me = useLoad(
    () => (launch.initData ? api.me() : Promise.reject(new Error("not opened from Telegram"))),
    "me",
  );
  useEffect(() => {
    document.title = me.data ? fill(me.data.strings, "title") : bootT("title");
    // The page's language: screen readers and hyphenation follow it.
    document.documentElement.lang = me.data?.lang ?? bootLanguage(launch.languageCode);
  });
  if (!launch.initData) return <ErrorBox code="unauthorized" t={bootT} />;
  if (me.error) return <ErrorBox code={me.error} t={bootT} onRetry={me.reload} />;
  if (!me.data) return <Loading text={bootT("loading")} />;
  return (
    <AppContext.Provider value={makeCtx(me.data, api, launch)}>
      <App me={me.data} />
    </AppContext.Provider>
  );
}

function App(props: { me: Me }) {
  const { t, launch } = useApp();
  const tabs = TABS.filter((tab) => props.me.can[tab]);
  const [tab, setTab] = useState<Tab | undefined>(tabs[0]);
  // A link to a case (startapp=case_12) opens its page first; the tabs are behind it.
  const [caseId, setCaseId] = useState<number | undefined>(() => startCase(launch.startParam));
  const [filter, setFilter] = useState<CaseFilter>({});
  const scrollBack = useRef(0);
  const open = useCallback((id: number) => {
    scrollBack.current = window.scrollY;
    setCaseId(id);
    window.scrollTo(0, 0);
  }, []);
  const back = useCallback(() => {
    setCaseId(undefined);
    requestAnimationFrame(() => window.scrollTo(0, scrollBack.current));
  }, []);

  if (!tab && caseId === undefined) return <ErrorBox code="forbidden" t={t} />;
  return (
    <>
      <header class="top">
        <div class="who">
          <strong>{props.me.name}</strong>
          {props.me.institution && <span class="muted"> · {props.me.institution.name}</span>}
        </div>
        <div class="tabs" role="tablist">
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              data-tab={name}
              aria-selected={tab === name && caseId === undefined}
              onClick={() => {
                setTab(name);
                setCaseId(undefined);
                window.scrollTo(0, 0);
              }}
            >
              {t(`tab_${name}`)}
            </button>
          ))}
        </div>
      </header>
      <main>
        {caseId !== undefined ? (
          <CasePage caseId={caseId} onBack={back} />
        ) : tab === "tasks" ? (
          <TasksPage onOpen={open} />
        ) : tab === "cases" ? (
          <CasesPage filter={filter} onFilter={setFilter} onOpen={open} />
        ) : tab === "stats" ? (
          <StatsPage />
        ) : tab === "hq" ? (
          <HqPage />
        ) : null}
      </main>
    </>
  );
}
