/**
 * The jobs: the outbox dispatcher plus a tick (every 30 s by default) that sends the breach notices, the
 * daily digests and the notices of report drafts about to be dropped and, once per local day, purges the
 * cases whose retention is over (D8) and the idle conversations. Runs inside the bot
 * (JOBS=inline) or as its own process (src/jobs/main.ts). Every piece of work is claimed in the database
 * (digests_sent insert, breach_notified_on conditional update, purged_at conditional update, outbox rows
 * FOR UPDATE SKIP LOCKED), so several runners on one database never double-send.
 *
 *   const stop = startJobs({ db, api, clock, log, adminTelegramIds, botUsername });
 *   await stop();
 *
 * Digests and breach notices link each case to the bot (issue 14.10), which needs the bot's username: the
 * bot passes it (bot.botInfo after bot.init); otherwise the runner asks getMe once at start, and without an
 * answer sends without links (asking again now and then), never holding a notice back.
 */

import type { Api } from "grammy";
import { type PurgedCase, purgeExpired } from "../cases/retention";
import { clearSentTexts } from "../cases/sent-texts";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { type Logger, safeError } from "../logger";
import { usableUsername } from "../messages/format";
import { type LocalDate, localDateOf } from "../rules";
import { type BreachNotice, sendBreachNotices } from "./breach";
import { type DigestRunResult, sendDigests } from "./digest";
import {
  CONVERSATION_TTL_MS,
  type DraftNoticeResult,
  pruneIdleConversations,
  sendDraftNotices,
} from "./drafts";
import { type DispatcherDeps, type DispatchOptions, startOutboxDispatcher } from "./outbox-dispatcher";

export { CONVERSATION_TTL_MS } from "./drafts";

export interface JobsDeps extends DispatcherDeps {
  /**
   * The bot's username, for the links to cases in digests and breach notices. Omitted: asked with getMe at
   * start. null: unknown, no links.
   */
  botUsername?: string | null;
}

/** What a tick needs: the database, the clock, the log, and the bot's username when known (links). */
export interface TickDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  botUsername?: string | null;
}

export interface TickResult {
  at: Date;
  breaches: BreachNotice[];
  digests: DigestRunResult;
  /** Notices of report drafts the next purge drops (issue 14.5). */
  draftNotices: DraftNoticeResult;
  /** Outbox rows that lost their text and chat (src/cases/sent-texts.ts; with the daily purge). */
  sentTextsCleared: number;
  /** null when the purge did not run on this tick. */
  purged: PurgedCase[] | null;
  /** Abandoned conversation states dropped (with the daily purge). */
  conversationsPruned: number;
  errors: string[];
}

export interface TickOptions {
  /** Run the D8 purge on this tick (the runner does it on the first tick of each local day). */
  purge?: boolean;
}

/**
 * One tick at the clock's now: breach notices, digests, notices of drafts about to be dropped, and the
 * purge if asked. Never throws.
 */
export async function runTick(deps: TickDeps, opts: TickOptions = {}): Promise<TickResult> {
  const now = deps.clock();
  const result: TickResult = {
    at: now,
    breaches: [],
    digests: { localDate: null, claimed: 0, sent: 0, lost: 0 },
    draftNotices: { sent: 0, silent: 0 },
    sentTextsCleared: 0,
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
  const botUsername = usableUsername(deps.botUsername);
  await step("breach", async () => {
    result.breaches = await sendBreachNotices(deps.db, now, { botUsername });
  });
  await step("digest", async () => {
    result.digests = await sendDigests(deps.db, now, { botUsername });
  });
  // Before the purge: a draft is dropped only on a day after its notice (src/jobs/drafts.ts).
  await step("drafts", async () => {
    result.draftNotices = await sendDraftNotices(deps.db, now, CONVERSATION_TTL_MS);
  });
  if (opts.purge) {
    // First: the purge then finds only the last week's texts to search for names (src/cases/sent-texts.ts).
    await step("sent-texts", async () => {
      result.sentTextsCleared = await clearSentTexts(deps.db, now);
    });
    // D8: cases that ended more than a year ago lose their personal data, with their learners' drafts.
    await step("purge", async () => {
      // A case whose purge fails is left whole and logged; the others are purged (src/cases/retention.ts).
      result.purged = await purgeExpired(deps.db, now, {
        onError: (caseId, err) => {
          result.errors.push(`purge: case ${caseId}: ${safeError(err).message}`);
          deps.log.error({ err: safeError(err), job: "purge", caseId }, "case not purged");
        },
      });
    });
    // Report drafts untouched for two weeks are dropped: they hold personal data nobody submitted.
    await step("conversations", async () => {
      result.conversationsPruned = await pruneIdleConversations(deps.db, now, CONVERSATION_TTL_MS);
    });
  }
  if (
    result.breaches.length ||
    result.digests.claimed ||
    result.draftNotices.sent ||
    result.purged?.length ||
    result.sentTextsCleared
  ) {
    deps.log.info(
      {
        breaches: result.breaches.length,
        digestsClaimed: result.digests.claimed,
        digestsSent: result.digests.sent,
        draftNotices: result.draftNotices.sent,
        purged: result.purged?.length ?? 0,
        sentTextsCleared: result.sentTextsCleared,
      },
      "jobs tick",
    );
  }
  return result;
}

/** How long the first tick waits for getMe; then it goes without links. */
const GET_ME_TIMEOUT_MS = 10_000;
/** While the username is unknown, getMe is asked again at most this often (in the background). */
const GET_ME_RETRY_MS = 10 * 60_000;

/** The bot's username from getMe, or null (refused, unreachable, no answer within `timeoutMs`). */
export async function askBotUsername(api: Api, timeoutMs = GET_ME_TIMEOUT_MS): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = api.getMe();
  call.catch(() => {}); // lost the race: its late failure is of no interest
  try {
    const me = await Promise.race([
      call,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`getMe: no answer in ${timeoutMs} ms`)), timeoutMs);
        timer.unref?.();
      }),
    ]);
    return usableUsername(me.username);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
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

  // The bot's username for the links to cases: given by the bot, or asked once here (issue 14.10).
  let botUsername = deps.botUsername === undefined ? null : usableUsername(deps.botUsername);
  let asking: Promise<void> | null = null;
  let askedAt = 0;
  const ask = () =>
    (asking ??= askBotUsername(deps.api)
      .then((name) => {
        if (name) {
          if (askedAt > 0) deps.log.info("bot username known: digests and breach notices link to cases");
          botUsername = name;
        } else if (askedAt === 0) {
          deps.log.warn(
            "getMe failed: digests and breach notices go without links to cases until it answers",
          );
        }
      })
      .finally(() => {
        asking = null;
        askedAt = Date.now();
      }));

  const loop = (async () => {
    if (deps.botUsername === undefined) await ask();
    while (!stopped) {
      if (botUsername === null && deps.botUsername === undefined && Date.now() - askedAt >= GET_ME_RETRY_MS)
        void ask();
      const today = localDateOf(deps.clock());
      const purge = opts.purge !== false && lastPurgeOn !== today;
      const result = await runTick({ ...deps, botUsername }, { purge });
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
