import type { MiddlewareFn } from "grammy";
import { tFor } from "../../i18n";
import { ANONYMOUS, loadIdentity } from "../../people/identity";
import type { BaseContext, Deps } from "../context";

/** Installs deps, the sender's identity and `ctx.t` in their stored language. */
export function identityMiddleware(deps: Deps): MiddlewareFn<BaseContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    const from = ctx.from;
    ctx.identity =
      from && !from.is_bot ? await loadIdentity(deps.db, from.id, deps.adminTelegramIds) : ANONYMOUS;
    ctx.lang = ctx.identity.lang;
    ctx.t = tFor(ctx.lang);
    await next();
  };
}
