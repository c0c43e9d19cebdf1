/**
 * Start-up's first call to Telegram (getMe), made so that `npm start` never hangs silently (issue 14.13):
 *
 *  - Telegram refuses the token (401 Unauthorized, or 404 Not Found for a token it cannot parse): the token
 *    is wrong or was revoked, and retrying cannot help. One fatal line says so, and the program exits 1.
 *  - Telegram cannot be reached (connection refused, DNS, a proxy, no answer within the timeout) or answers
 *    with a server error (5xx) or a flood wait (429): a warning names the API root and the reason, and the
 *    call is repeated with back-off (2, 4, 8, 16, 30, 30 … s), one warning per attempt, until it works or
 *    the program is told to stop.
 *
 * The call goes through an Api of its own: the bot's Api carries @grammyjs/auto-retry, which repeats a
 * network error with no limit and no log line (its back-off grows to an hour), and grammY's default request
 * timeout is 500 s. Both hid a dead network at start-up.
 */
import { Api, GrammyError, HttpError } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { type Logger, redactTelegramText } from "../logger";

export const DEFAULT_API_ROOT = "https://api.telegram.org";
/** One attempt's limit: the first warning comes well within 30 s even when packets are dropped. */
export const CONNECT_TIMEOUT_SECONDS = 10;
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 30_000;

/** The pause before attempt `attempt + 1`: doubling from 2 s, capped at 30 s. */
export const retryDelayMs = (attempt: number) =>
  Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });

export interface ConnectDeps {
  /** Anything with getMe: an Api without transformers (connectApi) in the program, a fake in tests. */
  api: Pick<Api, "getMe">;
  /** Shown in every line, so the operator sees where the program is trying to go. */
  apiRoot: string;
  /** The bot id (the digits before the colon of the token; not secret), shown when the token is refused. */
  botId?: string;
  log: Pick<Logger, "info" | "warn" | "fatal">;
  sleep?: Sleep;
  /** Milliseconds now (for "unreachable for N s"). */
  now?: () => number;
  /** Aborted on SIGTERM / SIGINT: the current attempt and the pause end, and connect returns "stopped". */
  signal?: AbortSignal;
}

export type ConnectOutcome =
  | { kind: "connected"; me: UserFromGetMe; attempts: number }
  /** Telegram refused the token or the call: exit 1, the line is logged. */
  | { kind: "refused"; status: number }
  | { kind: "stopped"; attempts: number };

/** A new Api for the start-up call: no auto-retry, a short timeout. */
export function connectApi(token: string, apiRoot?: string): Api {
  return new Api(token, {
    ...(apiRoot ? { apiRoot: apiRoot.replace(/\/+$/, "") } : {}),
    timeoutSeconds: CONNECT_TIMEOUT_SECONDS,
  });
}

type Verdict =
  | { retry: true; reason: string; waitMs?: number }
  | { retry: false; status: number; description: string };

/** What a failed getMe means. Errors of our own code (neither GrammyError nor HttpError) are thrown on. */
export function classify(err: unknown): Verdict {
  if (err instanceof GrammyError) {
    const description = redactTelegramText(err.description);
    if (err.error_code >= 500) return { retry: true, reason: `${err.error_code}: ${description}` };
    if (err.error_code === 429) {
      const after = err.parameters.retry_after;
      return {
        retry: true,
        reason: `429: ${description}`,
        ...(typeof after === "number" ? { waitMs: after * 1000 } : {}),
      };
    }
    return { retry: false, status: err.error_code, description };
  }
  if (err instanceof HttpError) {
    // The inner error says why (ECONNREFUSED, ENOTFOUND, a timeout, a body that is not JSON); its message
    // may hold the request URL and so the token.
    const inner = err.error as { code?: string; message?: string } | undefined;
    const why = inner?.code ?? inner?.message ?? err.message;
    return { retry: true, reason: redactTelegramText(String(why)) };
  }
  throw err;
}

/** Logs Telegram's refusal of getMe (fatal: retrying cannot help) and says so. */
function refused(deps: ConnectDeps, verdict: Extract<Verdict, { retry: false }>): ConnectOutcome {
  const tokenWrong = verdict.status === 401 || verdict.status === 404;
  deps.log.fatal(
    { apiRoot: deps.apiRoot, status: verdict.status, description: verdict.description, botId: deps.botId },
    tokenWrong
      ? "Telegram rejected BOT_TOKEN: the token is wrong or was revoked (not a network problem); copy it again from @BotFather"
      : "Telegram refused the start-up call getMe: see status and description",
  );
  return { kind: "refused", status: verdict.status };
}

/** Calls getMe until Telegram answers, refuses the token, or the signal stops it; logs every attempt. */
export async function connectToTelegram(deps: ConnectDeps): Promise<ConnectOutcome> {
  const { api, apiRoot, log } = deps;
  const sleep = deps.sleep ?? realSleep;
  const now = deps.now ?? Date.now;
  const signal = deps.signal ?? new AbortController().signal;
  const started = now();
  log.info({ apiRoot }, "connecting to Telegram");
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return { kind: "stopped", attempts: attempt - 1 };
    let me: UserFromGetMe;
    try {
      // grammY types its signal with the abort-controller shim's class; Node's AbortSignal is what it uses.
      me = await api.getMe(signal as Parameters<Api["getMe"]>[0]);
    } catch (err) {
      if (signal.aborted) return { kind: "stopped", attempts: attempt };
      const verdict = classify(err);
      if (!verdict.retry) return refused(deps, verdict);
      const waitMs = Math.max(verdict.waitMs ?? 0, retryDelayMs(attempt));
      log.warn(
        {
          apiRoot,
          attempt,
          reason: verdict.reason,
          unreachableForSeconds: Math.round((now() - started) / 1000),
          retryInSeconds: Math.round(waitMs / 1000),
        },
        "Telegram is unreachable: retrying (check the network, a proxy, or TELEGRAM_API_ROOT)",
      );
      await sleep(waitMs, signal);
      continue;
    }
    if (attempt > 1) log.info({ apiRoot, attempts: attempt }, "Telegram reachable again");
    return { kind: "connected", me, attempts: attempt };
  }
}
