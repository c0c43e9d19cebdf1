/** Telegram command menus per language (setMyCommands). Optional: failure only logs a warning. */
import type { Api } from "grammy";
import { LANGS, tFor } from "../i18n";
import { type Logger, safeError } from "../logger";

const COMMANDS = ["start", "report", "status", "inbox", "cancel", "lang", "help"] as const;

export async function installCommandMenus(api: Api, log: Logger): Promise<void> {
  const list = (lang: (typeof LANGS)[number]) =>
    COMMANDS.map((command) => ({ command, description: tFor(lang)(`commands.${command}`) }));
  try {
    await api.setMyCommands(list("kk"));
    for (const lang of LANGS) await api.setMyCommands(list(lang), { language_code: lang });
  } catch (err) {
    log.warn({ err: safeError(err) }, "setMyCommands failed; the bot works without command menus");
  }
}
