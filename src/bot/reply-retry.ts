/**
 * The interactive path's answer to a dropped connection: two more tries, 1 s and 3 s apart, then the
 * error (the update fails, the error boundary logs it, a conversation keeps its state as before the update).
 * @grammyjs/auto-retry would retry network errors without limit and without a word (its
 * maxRetryAttempts counts only 429/5xx), so a learner's update could hang for an hour; it is installed with
 * rethrowHttpErrors and this takes over network errors.
 */
import { HttpError, type Transformer } from "grammy";
import { type Logger, safeError } from "../logger";

export interface ReplyRetryOptions {
  /** Waits before the second and third tries. */
  delaysMs?: readonly number[];
  log?: Logger;
  sleep?: (ms: number, signal?: Signal) => Promise<void>;
}

/** grammY hands transformers its own AbortSignal type (abort-controller's): only these members are used. */
type Signal = { aborted: boolean; addEventListener(e: "abort", f: () => void): void };

const realSleep = (ms: number, signal?: Signal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

export function retryDroppedConnections(opts: ReplyRetryOptions = {}): Transformer {
  const delays = opts.delaysMs ?? [1000, 3000];
  const sleep = opts.sleep ?? realSleep;
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (!(err instanceof HttpError) || attempt >= delays.length || signal?.aborted) throw err;
        opts.log?.warn(
          { err: safeError(err), method, attempt: attempt + 1, retryInMs: delays[attempt] },
          "Telegram request failed on the network; retrying",
        );
        await sleep(delays[attempt]!, signal);
      }
    }
  };
}
