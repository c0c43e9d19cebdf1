/**
 * Bot factory. Middleware order (docs/architecture.md): errorBoundary → sequentialize → deps, identity, ctx.t
 * → per-update conversation storage (state saved only when the update succeeds) → conversations (with the
 * same deps and auto-retry inside) → global /cancel → conversations → features → fallback.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { conversations, createConversation } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type BotConfig, type Context } from "grammy";
import { CONVERSATION_VERSION, conversationStorage, perUpdateStorage } from "../db/conversation-storage";
import { tFor } from "../i18n";
import { safeError } from "../logger";
import type { BaseContext, BotContext, Deps } from "./context";
import { OPEN_CASE_CONVERSATION, openCaseConversation } from "./conversations/open-case";
import { REPORT_CONVERSATION, reportConversation } from "./conversations/report";
import { STEP_INPUT_CONVERSATION, stepInputConversation } from "./conversations/step-input";
import { adminFeature } from "./features/admin";
import { cancelFeature } from "./features/cancel";
import { documentsFeature } from "./features/documents";
import { fallbackFeature } from "./features/fallback";
import { languageFeature } from "./features/language";
import { officialsFeature } from "./features/officials";
import { openCaseFeature } from "./features/open-case";
import { startFeature } from "./features/start";
import { studentFeature } from "./features/student";
import { conversationIdentity, identityMiddleware, type PerUpdate } from "./middleware/identity";
import { retryDroppedConnections } from "./reply-retry";

export { CONVERSATION_VERSION } from "../db/conversation-storage";

export interface BotSettings {
  token: string;
  apiRoot?: string;
}

/**
 * The interactive path's retry policy: short and capped (a learner is waiting; the outbox dispatcher has
 * its own patient policy). 429 up to 5 s and 5xx: twice, with the plugin's back-off; a dropped connection:
 * twice, 1 s and 3 s apart (reply-retry.ts: the plugin would retry it forever, silently).
 */
const interactiveRetry = () =>
  autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5, rethrowHttpErrors: true });

/**
 * No request of the interactive path waits longer than this for Telegram (grammY's default is 500 s). Long
 * polling asks Telegram to hold getUpdates for 30 s, so this must stay above that.
 */
export const REQUEST_TIMEOUT_SECONDS = 45;

/** The conversation state's key: the chat (so a restart resumes where the chat was); none without a chat. */
const storageKey = (ctx: Context) => ctx.chatId?.toString();

/** Per-chat ordering for concurrent runners; updates without a chat use the user. */
export const updateKey = (ctx: Context) => (ctx.chat?.id ?? ctx.from?.id)?.toString();

export function createBot(
  settings: BotSettings,
  deps: Deps,
  botConfig?: BotConfig<BotContext>,
): Bot<BotContext> {
  const bot = new Bot<BotContext>(settings.token, {
    ...botConfig,
    client: {
      timeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      ...(settings.apiRoot ? { apiRoot: settings.apiRoot } : {}),
      ...botConfig?.client,
    },
  });
  bot.api.config.use(interactiveRetry());
  bot.api.config.use(retryDroppedConnections({ log: deps.log }));

  const root = bot.errorBoundary(async (err) => {
    const ctx = err.ctx;
    deps.log.error(
      // No personal data in logs: the update's text is not logged, and query parameters are cut.
      { err: safeError(err.error), updateId: ctx.update.update_id },
      "update failed",
    );
    try {
      const t = ctx.t ?? tFor(undefined);
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("errors.internal_short") });
      else if (ctx.chat?.type === "private") await ctx.reply(t("errors.internal"));
    } catch {
      // Telegram unreachable as well: nothing more to do for this update.
    }
  });
  root.use(sequentialize(updateKey));
  if (deps.withLock) {
    const lock = deps.withLock;
    root.use((ctx, next) => {
      const key = updateKey(ctx);
      return key ? lock(`chat:${key}`, () => next()) : next();
    });
  }
  // Conversation state is saved only when the whole update succeeds (a failure keeps the draft); it is read
  // with the identity, in the same statement (issue 17), and handed to the storage for this update. What
  // an update holds is found by its chat (the storage key): one update per chat at a time, as above.
  const storage = perUpdateStorage(conversationStorage(deps.db, deps.clock), storageKey);
  const update: PerUpdate = { key: storageKey, hand: storage.prefetched, identities: new Map() };
  root.use(identityMiddleware(deps, update));
  root.use(storage.commit);
  root.use(
    conversations<BotContext, BaseContext>({
      storage: {
        type: "key",
        version: CONVERSATION_VERSION,
        adapter: storage.adapter,
        getStorageKey: storageKey,
      },
      // Conversations build their own context objects, each with a fresh Api that bot.api's transformers
      // do not reach: give them the same retry policy (or one 429 or 502 on a reply throws the learner's
      // draft away), and the same deps, identity and ctx.t.
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(interactiveRetry());
          ctx.api.config.use(retryDroppedConnections({ log: deps.log }));
          await next();
        },
        conversationIdentity(deps, update),
      ],
    }),
  );
  root.use(cancelFeature);
  root.use(createConversation(reportConversation, { id: REPORT_CONVERSATION }));
  root.use(createConversation(stepInputConversation, { id: STEP_INPUT_CONVERSATION }));
  root.use(createConversation(openCaseConversation, { id: OPEN_CASE_CONVERSATION }));
  root.use(startFeature);
  root.use(studentFeature);
  root.use(officialsFeature);
  root.use(openCaseFeature);
  root.use(documentsFeature);
  root.use(adminFeature);
  root.use(languageFeature);
  root.use(fallbackFeature);
  return bot;
}
