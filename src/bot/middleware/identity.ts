import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareFn } from "grammy";
import { tFor } from "../../i18n";
import { ANONYMOUS, type Identity, loadIdentity } from "../../people/identity";
import type { BaseContext, Deps } from "../context";

/**
 * The identity loaded for the update being handled. Conversations replay every earlier update of the
 * flow through their plugins; they take the identity from here instead of loading it again per replay.
 */
const current = new AsyncLocalStorage<Identity>();

/** Installs deps, the sender's identity and `ctx.t` in their stored language (outer middleware). */
export function identityMiddleware(deps: Deps): MiddlewareFn<BaseContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    ctx.identity =
      from && !from.is_bot ? await loadIdentity(deps.db, from.id, deps.adminTelegramIds) : ANONYMOUS;
    ctx.lang = ctx.identity.lang;
    ctx.t = tFor(ctx.lang);
    await current.run(ctx.identity, next);
  };
}

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
