/** Telegram command menus per language (setMyCommands). Optional: failure only logs a warning. */
import type { Api } from "grammy";
import { LANGS, type Lang, tFor } from "../i18n";
import { type Logger, safeError } from "../logger";
import type { Identity } from "../people/identity";
import { groundsOpenableBy } from "../rules";

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
  // Issue 14.12: the descriptions in kk/ru/en, at the same start-up moment.
  await installDescriptions(api, log);
}

type Command = (typeof COMMANDS)[number] | "case" | "open";

/**
 * Issue 14.12: only the commands a role uses, in the order they are used. Issue 16: /open for the officials
 * whose roles open cases (ch. 2, ch. 3, cl. 2).
 */
export function commandsFor(who: Pick<Identity, "student" | "official" | "isAdmin">): Command[] {
  const out: Command[] = ["start"];
  if (who.student) out.push("report", "status");
  if (who.official) out.push("inbox", "case");
  if (who.official && groundsOpenableBy(who.official.roles).length > 0) out.push("open");
  out.push("cancel", "lang", "help");
  return out;
}

const describe = (lang: Lang, command: Command) =>
  command === "case" ? tFor(lang)("menus.case") : tFor(lang)(`commands.${command}`);

/**
 * The command menu of one chat (BotCommandScopeChat) after a learner or an official binds, in their
 * language. Optional like the global menus: a refusal only logs a warning.
 */
export async function installChatMenu(api: Api, chatId: number, who: Identity, log?: Logger): Promise<void> {
  if (!who.student && !who.official) return;
  try {
    await api.setMyCommands(
      commandsFor(who).map((command) => ({ command, description: describe(who.lang, command) })),
      { scope: { type: "chat", chat_id: chatId } },
    );
  } catch (err) {
    log?.warn({ err: safeError(err) }, "setMyCommands (chat) failed; the chat keeps the default menu");
  }
}

/**
 * The bot's description (shown before the first /start) and short description (its profile), per
 * language and a Kazakh default. Set at start; a refusal (e.g. 429 while many instances start) is only a
 * warning, and each call is tried on its own.
 */
export async function installDescriptions(api: Api, log: Logger): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [];
  for (const lang of [undefined, ...LANGS]) {
    const t = tFor(lang ?? "kk");
    const other = lang ? { language_code: lang } : {};
    calls.push([
      `setMyDescription ${lang ?? "default"}`,
      () => api.setMyDescription(t("menus.description"), other),
    ]);
    calls.push([
      `setMyShortDescription ${lang ?? "default"}`,
      () => api.setMyShortDescription(t("menus.short_description"), other),
    ]);
  }
  for (const [what, call] of calls) {
    try {
      await call();
    } catch (err) {
      log.warn({ err: safeError(err), what }, "the bot's description was not set; going on without it");
    }
  }
}
