import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareFn } from "grammy";
import { asStranger } from "../../audit/stranger";
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
 * The identity loaded for the update being handled. Conversations replay every earlier update of the
 * flow through their plugins; they take the identity from here instead of loading it again per replay.
 */
const current = new AsyncLocalStorage<Identity>();

/**
 * The update's stored conversation state, read in the identity's statement (issue 17): `key` is the
 * conversation storage's key of the update, `hand` gives what is stored under it to that storage
 * (src/db/conversation-storage.ts perUpdateStorage), so the conversations plugin's read costs nothing.
 */
export interface StatePrefetch {
  key(ctx: BaseContext): string | undefined;
  hand(ctx: BaseContext, key: string, value: string | null): void;
}

/**
 * Installs deps, the sender's identity and `ctx.t` in their language (the chosen one, else the Telegram
 * app's, D10) as outer middleware. Also the per-sender rate limit (rate-limit.ts) and, for a stranger's
 * update, the stranger scope in which refusals are counted instead of audited one by one
 * (src/audit/stranger.ts), issue 12.17. With `state`, the update's conversation state comes with the
 * identity, in the same statement.
 */
export function identityMiddleware(deps: Deps, state?: StatePrefetch): MiddlewareFn<BaseContext> {
  const limiter = deps.rateLimiter ?? new RateLimiter();
  return async (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    const person = from && !from.is_bot ? from : undefined;
    if (!person) {
      setIdentity(ctx, ANONYMOUS);
      return current.run(ctx.identity, next);
    }
    const early = limiter.early(person.id);
    if (early) return overLimit(ctx, early, noticeT(person.language_code));
    const key = state?.key(ctx);
    const loaded = await loadIdentityWithState(
      deps.db,
      person.id,
      deps.adminTelegramIds,
      deps.clock(),
      person.language_code,
      key ?? null,
    );
    if (key !== undefined) state?.hand(ctx, key, loaded.state);
    setIdentity(ctx, loaded.identity);
    // The language just followed the Telegram app's (D10): the chat's command menu, set in the old one
    // when they bound (issue 14.12), is set again. Rare: only when the app's language changes.
    if (ctx.identity.langFollowed && ctx.chat?.type === "private")
      await installChatMenu(ctx.api, ctx.chat.id, ctx.identity, deps.log);
    const stranger = isStranger(ctx.identity);
    const verdict = limiter.take(person.id, stranger ? "stranger" : "known");
    if (verdict !== "ok")
      return overLimit(ctx, verdict, ctx.identity.userId === null ? noticeT(person.language_code) : ctx.t);
    await current.run(ctx.identity, () => (stranger ? asStranger(person.id, next) : next()));
  };
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

/** The same fields for the context objects a conversation builds (same user, same update). */
export function conversationIdentity(deps: Deps): MiddlewareFn<BaseContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    const known = current.getStore();
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
