import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareFn } from "grammy";
import { asStranger } from "../../audit/stranger";
import { isLang, type T, tFor } from "../../i18n";
import { ANONYMOUS, type Identity, isStranger, loadIdentity } from "../../people/identity";
import type { BaseContext, Deps } from "../context";
import { RateLimiter, type Verdict } from "./rate-limit";

/**
 * The identity loaded for the update being handled. Conversations replay every earlier update of the
 * flow through their plugins; they take the identity from here instead of loading it again per replay.
 */
const current = new AsyncLocalStorage<Identity>();

/**
 * Installs deps, the sender's identity and `ctx.t` in their stored language (outer middleware). Also the
 * per-sender rate limit (rate-limit.ts) and, for a stranger's update, the stranger scope in which refusals
 * are counted instead of audited one by one (src/audit/stranger.ts), issue 12.17.
 */
export function identityMiddleware(deps: Deps): MiddlewareFn<BaseContext> {
  const limiter = deps.rateLimiter ?? new RateLimiter();
  return async (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    const person = from && !from.is_bot ? from : undefined;
    const early = person ? limiter.early(person.id) : null;
    if (person && early) return overLimit(ctx, early, noticeT(person.language_code));
    ctx.identity = person
      ? await loadIdentity(deps.db, person.id, deps.adminTelegramIds, deps.clock())
      : ANONYMOUS;
    ctx.lang = ctx.identity.lang;
    ctx.t = tFor(ctx.lang);
    if (!person) return current.run(ctx.identity, next);
    const stranger = isStranger(ctx.identity);
    const verdict = limiter.take(person.id, stranger ? "stranger" : "known");
    if (verdict !== "ok")
      return overLimit(ctx, verdict, ctx.identity.userId === null ? noticeT(person.language_code) : ctx.t);
    await current.run(ctx.identity, () => (stranger ? asStranger(person.id, next) : next()));
  };
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

/** Someone with no stored language is answered in Telegram's language_code when it is one of ours. */
const noticeT = (code?: string): T => tFor(isLang(code) ? code : undefined);

/** The same fields for the context objects a conversation builds (same user, same update). */
export function conversationIdentity(deps: Deps): MiddlewareFn<BaseContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    const known = current.getStore();
    ctx.identity =
      known && known.telegramId === ctx.from?.id
        ? known
        : ctx.from
          ? await loadIdentity(deps.db, ctx.from.id, deps.adminTelegramIds)
          : ANONYMOUS;
    ctx.lang = ctx.identity.lang;
    ctx.t = tFor(ctx.lang);
    await next();
  };
}
