/** One case: the stored report, the timeline of every step, and the files the bot sends to the chat on a tap. */
import { useEffect, useState } from "preact/hooks";
import type { CaseDetail, SendRequest, TimelineEntry } from "../../src/dashboard/contract";
import { ApiError, type FailureCode } from "./api";
import { useApp } from "./context";
import { showBackButton } from "./telegram";
import { localDate, localDateTime } from "./text";
import { Body, ERROR_KEY, useLoad } from "./ui";

export function CasePage(props: { caseId: number; onBack: () => void }) {
  const { api, t } = useApp();
  const loaded = useLoad(() => api.caseDetail(props.caseId), String(props.caseId));
  useEffect(() => showBackButton(props.onBack), [props.onBack]);
  return (
    <section class="page" data-page="case">
      <button type="button" class="link back" onClick={props.onBack}>
        {t("back")}
      </button>
      <Body loaded={loaded} t={t}>
        {(c) => <CaseView c={c} />}
      </Body>
    </section>
  );
}

function CaseView(props: { c: CaseDetail }) {
  const { t, label } = useApp();
  const { c } = props;
  return (
    <>
      <h2 class="case-title">
        {t("case_no", { id: c.id })} <span class="badge">{label("state", c.state)}</span>
      </h2>
      <dl class="facts">
        <dt>{t("learner")}</dt>
        <dd>{c.learner}</dd>
        <dt>{t("personal_number")}</dt>
        <dd>{c.personalNumber}</dd>
        <dt>{t("filter_ground")}</dt>
        <dd>{label("ground", c.ground)}</dd>
        <dt>{t("filter_category")}</dt>
        <dd>{label("category", c.category)}</dd>
        <dt>{t("registered")}</dt>
        <dd>{localDate(c.registeredOn)}</dd>
      </dl>
      <Files c={c} />
      <h3>{t("report")}</h3>
      {c.report === null ? <p class="muted">{t("report_purged")}</p> : <div class="report">{c.report}</div>}
      <h3>{t("timeline")}</h3>
      <ol class="timeline">
        {c.timeline.map((e) => (
          <TimelineItem key={e.stepId} e={e} />
        ))}
      </ol>
    </>
  );
}

function TimelineItem(props: { e: TimelineEntry }) {
  const { t, label } = useApp();
  const { e } = props;
  return (
    <li class={`step step-${e.state}`} data-step={e.stepId}>
      <div class="step-name">{label("step", e.step)}</div>
      <div class="muted">
        {label("role", e.role)} · {t(`step_state_${e.state}`)}
      </div>
      <div class="muted">{t("opened_on", { date: localDate(e.openedOn) })}</div>
      {e.dueText && <div>{e.dueText}</div>}
      {e.doneAt && <div>{t("done_at", { at: localDateTime(e.doneAt) })}</div>}
      {e.doneBy && <div>{t("done_by", { who: e.doneBy })}</div>}
      {e.result && <div class="result">{t("result", { result: e.result })}</div>}
    </li>
  );
}

/** Documents and attachments as buttons; the bot sends the file, the page says so for a few seconds. */
function Files(props: { c: CaseDetail }) {
  const { api, t } = useApp();
  const { c } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);
  if (c.documents.length === 0 && c.attachments.length === 0) return null;

  async function send(id: string, request: SendRequest) {
    setBusy(id);
    setNotice(null);
    try {
      await api.send(c.id, request);
      setNotice({ ok: true, text: t("sent") });
    } catch (err) {
      const code: FailureCode = err instanceof ApiError ? err.code : "internal";
      setNotice({ ok: false, text: t(ERROR_KEY[code]) });
    } finally {
      setBusy(null);
    }
  }

  const button = (id: string, title: string, request: SendRequest) => (
    <button
      key={id}
      type="button"
      class="button secondary file"
      data-send={id}
      disabled={busy !== null}
      onClick={() => send(id, request)}
    >
      {busy === id ? t("sending") : title}
    </button>
  );

  return (
    <div class="files">
      {c.documents.length > 0 && <h3>{t("documents")}</h3>}
      {c.documents.map((d) => button(`doc:${d.key}`, d.title, { kind: "document", key: d.key }))}
      {c.attachments.length > 0 && <h3>{t("attachments")}</h3>}
      {c.attachments.map((a) => button(`att:${a.id}`, a.title, { kind: "attachment", id: a.id }))}
      <p class="muted hint">{t("send_hint")}</p>
      {notice && (
        <p class={`notice${notice.ok ? "" : " danger-text"}`} role="status">
          {notice.text}
        </p>
      )}
    </div>
  );
}
