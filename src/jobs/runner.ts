import { pruneConversations } from "../bot/conversation-storage";
/**
 * The jobs: the outbox dispatcher plus a tick (every 30 s by default) that sends the breach notices and the
 * daily digests and, once per local day, purges the cases whose retention is over (D8). Runs inside the bot
 * (JOBS=inline) or as its own process (src/jobs/main.ts). Every piece of work is claimed in the database
 * (digests_sent insert, breach_notified_on conditional update, purged_at conditional update, outbox rows
 * FOR UPDATE SKIP LOCKED), so several runners on one database never double-send.
 *
 *   const stop = startJobs({ db, api, clock, log, adminTelegramIds });
 *   await stop();
 */
import { type PurgedCase, purgeExpired } from "../cases/retention";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { type Logger, safeError } from "../logger";
import { type LocalDate, localDateOf } from "../rules";
import { type BreachNotice, sendBreachNotices } from "./breach";
import { type DigestRunResult, sendDigests } from "./digest";
import { type DispatcherDeps, type DispatchOptions, startOutboxDispatcher } from "./outbox-dispatcher";

export type JobsDeps = DispatcherDeps;

export interface TickResult {
  at: Date;
  breaches: BreachNotice[];
  digests: DigestRunResult;
  /** null when the purge did not run on this tick. */
  purged: PurgedCase[] | null;
  /** Abandoned conversation states dropped (with the daily purge). */
  conversationsPruned: number;
  errors: string[];
}

/** How long an abandoned conversation (a report draft, an official's half-typed answer) is kept. */
export const CONVERSATION_TTL_MS = 14 * 86_400_000;

export interface TickOptions {
  /** Run the D8 purge on this tick (the runner does it on the first tick of each local day). */
  purge?: boolean;
}

/** One tick at the clock's now: breach notices, digests, and the purge if asked. Never throws. */
export async function runTick(
  deps: { db: Db; clock: Clock; log: Logger },
  opts: TickOptions = {},
): Promise<TickResult> {
  const now = deps.clock();
  const result: TickResult = {
    at: now,
    breaches: [],
    digests: { localDate: null, claimed: 0, sent: 0, lost: 0 },
    purged: null,
    conversationsPruned: 0,
    errors: [],
  };
  const step = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      result.errors.push(`${name}: ${String(err)}`);
      deps.log.error({ err: safeError(err), job: name }, "job failed");
    }
  };
  // Breach notices first: the same morning's digest then repeats them as escalations.
  await step("breach", async () => {
    result.breaches = await sendBreachNotices(deps.db, now);
  });
  await step("digest", async () => {
    result.digests = await sendDigests(deps.db, now);
  });
  if (opts.purge) {
    // D8: cases that ended more than a year ago lose their personal data, with their learners' drafts.
    await step("purge", async () => {
      result.purged = await purgeExpired(deps.db, now);
    });
    // Report drafts untouched for two weeks are dropped: they hold personal data nobody submitted.
    await step("conversations", async () => {
      result.conversationsPruned = await pruneConversations(
        deps.db,
        new Date(now.getTime() - CONVERSATION_TTL_MS),
      );
    });
  }
  if (result.breaches.length || result.digests.claimed || result.purged?.length) {
    deps.log.info(
      {
        breaches: result.breaches.length,
        digestsClaimed: result.digests.claimed,
        digestsSent: result.digests.sent,
        purged: result.purged?.length ?? 0,
      },
      "jobs tick",
    );
  }
  return result;
}

export interface JobsOptions {
  /** Milliseconds between ticks (default 30 000; 30–60 s in production). */
  tickMs?: number;
  /** Run the outbox dispatcher too (default true). */
  dispatch?: boolean;
  /** Options of the outbox dispatcher (rate, batch size, idle wait…). */
  dispatcher?: DispatchOptions & { idleMs?: number };
  /** Run the daily D8 purge (default true). */
  purge?: boolean;
  /** Called after each tick (tests, metrics). */
  onTick?: (result: TickResult) => void;
}

/**
 * Starts the dispatcher and the tick loop; the first tick runs at once (catch-up after downtime). Returns
 * stop(): no new tick starts, the current one and the dispatcher's current batch finish, then it resolves.
 */
export function startJobs(deps: JobsDeps, opts: JobsOptions = {}): () => Promise<void> {
  const tickMs = opts.tickMs ?? 30_000;
  const stopDispatcher = opts.dispatch === false ? null : startOutboxDispatcher(deps, opts.dispatcher ?? {});
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let lastPurgeOn: LocalDate | null = null;

  const loop = (async () => {
    while (!stopped) {
      const today = localDateOf(deps.clock());
      const purge = opts.purge !== false && lastPurgeOn !== today;
      const result = await runTick(deps, { purge });
      if (purge && !result.errors.some((e) => e.startsWith("purge:"))) lastPurgeOn = today;
      try {
        opts.onTick?.(result);
      } catch (err) {
        deps.log.warn({ err: safeError(err) }, "onTick hook failed");
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, tickMs);
      });
    }
  })();

  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
      if (stopDispatcher) await stopDispatcher();
    })();
    return stopping;
  };
}
