/**
 * D16: the viewers at the NSC Personnel Department (HQ), who see the dashboard's statistics of every
 * institution and nothing that names a person.
 */

import { UsageError } from "../errors";
import { dashboardMenuButton } from "../messages/dashboard";
import { addHqViewer, listHqViewers, removeHqViewer } from "../people/hq-viewers";
import { type Command, count, localTime, table } from "./io";

/** A Telegram user id as the administrator types it. */
function telegramIdOf(value: string): number {
  const s = value.trim();
  if (!/^\d{1,15}$/.test(s) || Number(s) === 0)
    throw new UsageError(
      `"${value}" is not a Telegram user id (the number the bot shows a stranger in /start)`,
    );
  return Number(s);
}

export const hqCommands: Command[] = [
  {
    name: "hq add",
    args: ["telegramId", "name"],
    summary: "let a viewer of the NSC Personnel Department see every institution's statistics",
    details: [
      "The viewer opens the dashboard from the bot's menu button: set when WEBAPP_URL is on, once they have",
      "started the bot (the bot tells a stranger their Telegram id in /start). They see aggregates only:",
      "no case list, no case page, no names (decision D16). A removed viewer is restored.",
    ],
    async run(ctx, a) {
      const telegramId = telegramIdOf(a.positionals[0]!);
      const url = ctx.webAppUrl;
      const { viewer, restored } = await addHqViewer(
        await ctx.db(),
        telegramId,
        a.positionals[1]!,
        ctx.now(),
        {
          actor: ctx.actor,
          ...(url ? { button: (lang: string) => dashboardMenuButton(lang, url) } : {}),
        },
      );
      ctx.out(`HQ viewer ${viewer.id} ${restored ? "restored" : "added"}: Telegram account ${telegramId}`);
      if (url) ctx.out("the dashboard's menu button is queued for their chat (the bot sends it)");
      else ctx.err("note: WEBAPP_URL is not set, so the dashboard is off: set it to let them open it");
    },
  },
  {
    name: "hq remove",
    args: ["telegramId"],
    summary: "take a viewer of the NSC Personnel Department off the dashboard",
    async run(ctx, a) {
      const telegramId = telegramIdOf(a.positionals[0]!);
      const viewer = await removeHqViewer(await ctx.db(), telegramId, ctx.now(), ctx.actor);
      ctx.out(`HQ viewer ${viewer.id} removed: Telegram account ${telegramId} no longer sees the statistics`);
    },
  },
  {
    name: "hq list",
    summary: "the viewers of the NSC Personnel Department, current and removed (names: keep the output safe)",
    async run(ctx) {
      const rows = await listHqViewers(await ctx.db());
      const active = rows.filter((r) => r.removedAt === null).length;
      ctx.out(
        `${count(active, "HQ viewer")}${rows.length > active ? `, ${rows.length - active} removed` : ""}`,
      );
      if (rows.length === 0) return;
      for (const line of table(
        ["id", "telegram id", "full name", "added", "removed"],
        rows.map((r) => [
          String(r.id),
          String(r.telegramId),
          r.fullName,
          localTime(r.addedAt),
          r.removedAt ? localTime(r.removedAt) : "",
        ]),
      ))
        ctx.out(line);
    },
  },
];
