import type { MiddlewareFn } from "grammy";
import type { Stranger } from "../../audit/stranger";
import { langOfTelegram, type T, tFor } from "../../i18n";
import {
  ANONYMOUS,
  type Identity,
  isStranger,
  loadIdentity,
  loadIdentityWithState,
} from "../../people/identity";
import { installChatMenu } from "../commands";
import type { BaseContext, Deps } from "../context";
import { RateLimiter, type Verdict } from "./rate-limit";

/**
 * What one bot's identity middleware shares with the conversation storage and with the context objects its
 * conversations build, per update, by the update's conversation storage key (its chat).
 *
 * `identities`: the identity loaded for each update being handled. Conversations replay every earlier
 * update of the flow through their plugins on context objects of their own (@grammyjs/conversations 2.x
 * hydrateContext: the stored update, a new Api; nothing of the outer context but `me`, which all updates
 * share), so the identity cannot ride on an object they reach; their updates are all of the chat whose
 * state they are stored in, so they find it here by that key instead of loading it again per replay. The
 * bot handles one update per chat at a time (sequentialize(updateKey) in create-bot.ts: with a chat,
 * updateKey is the chat; the lock of webhook mode too), so a key names one update: its entry is set for
 * the handling of the update and removed in a `finally`, thrown or not. A chatless update (an inline
 * query) has no conversation and no entry. One Map per bot: two bots in one process (two instances in a
 * test) each hold their own. Not an ambient async context: keeping one turns on Node's promise hooks for
 * the whole process, 4-7 % of the bot's CPU (issue 17).
 *
 * `hand`: the update's stored conversation state, read in the identity's statement (issue 17), given to
 * the conversation storage (src/db/conversation-storage.ts perUpdateStorage), so the conversations
 * plugin's read costs nothing.
 */
export interface PerUpdate {
  key(ctx: BaseContext): string | undefined;
  hand(ctx: BaseContext, key: string, value: string | null): void;
  identities: Map<string, Identity>;
}

/** The stranger to give the use cases that audit refusals (issue 12.17), if the identity is one's. */
export const strangerOf = (identity: Identity): Stranger | undefined =>
  identity.telegramId !== null && isStranger(identity) ? { telegramId: identity.telegramId } : undefined;

/**
 * Installs deps, the sender's identity and `ctx.t` in their language (the chosen one, else the Telegram
 * app's, D10) as outer middleware. Also the per-sender rate limit (rate-limit.ts), issue 12.17 (a
 * stranger's refusals are counted, not audited one by one: the handlers pass `strangerOf(ctx.identity)`
 * to the use cases, src/audit/stranger.ts). The update's conversation state comes with the identity, in
 * the same statement.
 */
export function identityMiddleware(deps: Deps, update: PerUpdate): MiddlewareFn<BaseContext> {
  const limiter = deps.rateLimiter ?? new RateLimiter();
  return async (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    const person = from && !from.is_bot ? from : undefined;
    if (!person) {
      // No entry: the contexts a conversation builds for an update without a person load none either.
      setIdentity(ctx, ANONYMOUS);
      return next();
    }
    const early = limiter.early(person.id);
    if (early) return overLimit(ctx, early, noticeT(person.language_code));
    const key = update.key(ctx);
    const loaded = await loadIdentityWithState(
      deps.db,
      person.id,
      deps.adminTelegramIds,
      deps.clock(),
      person.language_code,
      key ?? null,
    );
    if (key !== undefined) update.hand(ctx, key, loaded.state);
    setIdentity(ctx, loaded.identity);
    // The language just followed the Telegram app's (D10): the chat's command menu, set in the old one
    // when they bound (issue 14.12), is set again. Rare: only when the app's language changes.
    if (ctx.identity.langFollowed && ctx.chat?.type === "private")
      await installChatMenu(ctx.api, ctx.chat.id, ctx.identity, deps.log);
    const verdict = limiter.take(person.id, isStranger(ctx.identity) ? "stranger" : "known");
    if (verdict !== "ok")
      return overLimit(ctx, verdict, ctx.identity.userId === null ? noticeT(person.language_code) : ctx.t);
    await handledAs(update.identities, key, ctx.identity, next);
  };
}

/** Runs the rest of the update with its identity under its key (`PerUpdate.identities`), then removes it. */
async function handledAs(
  identities: Map<string, Identity>,
  key: string | undefined,
  identity: Identity,
  next: () => Promise<void>,
): Promise<void> {
  if (key === undefined) return next();
  if (identities.has(key)) throw new Error("two updates of one chat handled at once");
  identities.set(key, identity);
  try {
    await next();
  } finally {
    identities.delete(key);
  }
}

/** The identity, and `ctx.t` in its language. */
function setIdentity(ctx: BaseContext, identity: Identity): void {
  ctx.identity = identity;
  ctx.lang = identity.lang;
  ctx.t = tFor(ctx.lang);
}

/**
 * Over the limit: told once per episode (a toast for a button, a reply in a private chat), then silence
 * until the bucket refills.
 */
async function overLimit(ctx: BaseContext, verdict: Verdict, t: T): Promise<void> {
  if (verdict !== "notify") return;
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("limits.slow_down") });
    else if (ctx.chat?.type === "private") await ctx.reply(t("limits.slow_down"));
  } catch {
    // The notice is a courtesy: Telegram refusing it changes nothing.
  }
}

/** Someone with no stored language is answered in the Telegram app's language (D10). */
const noticeT = (code?: string): T => tFor(code ? langOfTelegram(code) : undefined);

/**
 * The same fields for the context objects a conversation builds: the identity of the update being handled
 * in their chat (`PerUpdate.identities`) when it is the same sender's, else loaded.
 */
export function conversationIdentity(deps: Deps, update: PerUpdate): MiddlewareFn<BaseContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    const key = update.key(ctx);
    const known = key === undefined ? undefined : update.identities.get(key);
    ctx.identity =
      known && known.telegramId === ctx.from?.id
        ? known
        : ctx.from
          ? await loadIdentity(
              deps.db,
              ctx.from.id,
              deps.adminTelegramIds,
              deps.clock(),
              ctx.from.language_code,
            )
          : ANONYMOUS;
    ctx.lang = ctx.identity.lang;
    ctx.t = tFor(ctx.lang);
    await next();
  };
}
