/**
 * Administrators invite officials from the bot: /invite lists officials without a Telegram account,
 * /invite <id> makes a one-time link. An administrator by role sees only their own institution;
 * administrators from ADMIN_TELEGRAM_IDS see every institution.
 */
import { and, eq, isNull } from "drizzle-orm";
import { Composer } from "grammy";
import { formatInstant } from "../../cases/format";
import { officialRoles, officials } from "../../db/schema";
import { inviteLink } from "../../people/invites";
import { createOfficialInvite, getOfficial } from "../../people/officials";
import type { BotContext } from "../context";
import { replyFitted } from "../reply";

export const adminFeature = new Composer<BotContext>();

adminFeature.chatType("private").command("invite", async (ctx) => {
  const { isAdmin, official, userId } = ctx.identity;
  if (!isAdmin) return ctx.reply(ctx.t("admin.not_admin"));
  const global = ctx.deps.adminTelegramIds.includes(ctx.from.id);
  const scope = global ? null : (official?.institutionId ?? -1);
  const arg = ctx.match.trim();
  if (!/^\d{1,9}$/.test(arg)) {
    const rows = await ctx.deps.db
      .select({
        id: officials.id,
        name: officials.fullName,
        institutionId: officials.institutionId,
        role: officialRoles.role,
      })
      .from(officials)
      .leftJoin(officialRoles, eq(officialRoles.officialId, officials.id))
      .where(and(isNull(officials.userId), eq(officials.active, true)));
    const byId = new Map<number, { name: string; roles: string[] }>();
    for (const r of rows) {
      if (scope !== null && r.institutionId !== scope) continue;
      const e = byId.get(r.id) ?? { name: r.name, roles: [] };
      if (r.role) e.roles.push(ctx.t(`role.${r.role}`));
      byId.set(r.id, e);
    }
    if (byId.size === 0) return ctx.reply(ctx.t("admin.invite_none"));
    const list = [...byId.entries()]
      .slice(0, 40)
      .map(([id, e]) => ctx.t("admin.invite_line", { id, name: e.name, roles: e.roles.join(", ") }))
      .join("\n");
    // Forty names of up to 200 characters pass Telegram's limit: split (issue 12.4).
    return replyFitted(ctx, ctx.t("admin.invite_usage", { list }));
  }
  const id = Number(arg);
  const target = await getOfficial(ctx.deps.db, id);
  if (!target || (scope !== null && target.institutionId !== scope))
    return ctx.reply(ctx.t("admin.invite_not_found", { id }));
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
