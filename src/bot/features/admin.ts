/**
 * Administrators invite officials from the bot: /invite lists officials without a Telegram account,
 * /invite <id> makes a one-time link. An administrator by role sees only their own institution;
 * administrators from ADMIN_TELEGRAM_IDS see every institution.
 */
import { Composer } from "grammy";
import { formatInstant } from "../../messages/format";
import { inviteLink } from "../../people/invites";
import { adminScope, createOfficialInvite, officialInScope, officialsToInvite } from "../../people/officials";
import type { BotContext } from "../context";
import { replyFitted } from "../reply";

export const adminFeature = new Composer<BotContext>();

adminFeature.chatType("private").command("invite", async (ctx) => {
  const { isAdmin, official, userId } = ctx.identity;
  if (!isAdmin) return ctx.reply(ctx.t("admin.not_admin"));
  const scope = adminScope(ctx.deps.adminTelegramIds.includes(ctx.from.id), official);
  const arg = ctx.match.trim();
  if (!/^\d{1,9}$/.test(arg)) {
    const unbound = await officialsToInvite(ctx.deps.db, scope);
    if (unbound.length === 0) return ctx.reply(ctx.t("admin.invite_none"));
    const list = unbound
      .slice(0, 40)
      .map((o) =>
        ctx.t("admin.invite_line", {
          id: o.id,
          name: o.fullName,
          roles: o.roles.map((r) => ctx.t(`role.${r}`)).join(", "),
        }),
      )
      .join("\n");
    // Forty names of up to 200 characters pass Telegram's limit: split (issue 12.4).
    return replyFitted(ctx, ctx.t("admin.invite_usage", { list }));
  }
  const id = Number(arg);
  const target = await officialInScope(ctx.deps.db, scope, id);
  if (!target) return ctx.reply(ctx.t("admin.invite_not_found", { id }));
  if (target.userId !== null) return ctx.reply(ctx.t("admin.invite_bound", { id }));
  if (!target.active) return ctx.reply(ctx.t("admin.invite_inactive", { id }));
  const { token, expiresAt } = await createOfficialInvite(ctx.deps.db, id, ctx.deps.clock(), {
    actor: { userId: userId ?? undefined, officialId: official?.id, via: "bot" },
  });
  return ctx.reply(
    ctx.t("admin.invite_link", {
      name: target.fullName,
      until: formatInstant(expiresAt),
      link: inviteLink(ctx.me.username, token),
    }),
    { link_preview_options: { is_disabled: true } },
  );
});
