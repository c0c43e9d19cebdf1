/** Small pieces every page uses: loading what a page shows, and saying in words what went wrong. */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type FailureCode } from "./api";

export interface Loaded<T> {
  data?: T;
  error?: FailureCode;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `key` changes; a slower earlier answer never overwrites a later one. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: FailureCode; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => mine === latest.current && setState({ data, loading: false }),
      (err: unknown) =>
        mine === latest.current &&
        setState({ error: err instanceof ApiError ? err.code : "internal", loading: false }),
    );
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** The text key for each failure (webapp.*). */
export const ERROR_KEY: Record<FailureCode, string> = {
  unauthorized: "error_unauthorized",
  forbidden: "error_forbidden",
  not_found: "error_not_found",
  bad_request: "error_bad_request",
  internal: "error_internal",
  network: "error_network",
};

export function ErrorBox(props: { code: FailureCode; t: (key: string) => string; onRetry?: () => void }) {
  const { code, t, onRetry } = props;
  return (
    <div class="error" role="alert" data-error={code}>
      <p>{t(ERROR_KEY[code])}</p>
      {onRetry && code !== "unauthorized" && code !== "forbidden" && (
        <button type="button" class="button" onClick={onRetry}>
          {t("retry")}
        </button>
      )}
    </div>
  );
}

export function Loading(props: { text: string }) {
  return (
    <p class="loading" aria-busy="true">
      {props.text}
    </p>
  );
}

/** A page's body: its error in words, a loading line the first time, then the content (kept while reloading). */
export function Body<T>(props: {
  loaded: Loaded<T>;
  t: (key: string) => string;
  children: (data: T) => ComponentChildren;
}) {
  const { loaded, t } = props;
  if (loaded.error) return <ErrorBox code={loaded.error} t={t} onRetry={loaded.reload} />;
  if (loaded.data === undefined) return <Loading text={t("loading")} />;
  return <>{props.children(loaded.data)}</>;
}
