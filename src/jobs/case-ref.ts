/**
 * A case as the jobs' notices name it (issue 14.10): "Case No. 12", linked to the case in the bot
 * (`t.me/<bot>?start=case_12`, which /start checks against the viewer's rights) when the bot's username
 * is known. Without it (getMe failed at jobs start) the reference is plain text: a notice is never held
 * up for a link.
 */
import { caseLink } from "../bot/features/start";
import type { T } from "../i18n";

/** What Telegram allows in a username; anything else never goes into an href. */
const USERNAME = /^[A-Za-z0-9_]{4,32}$/;

export const usableUsername = (name: string | null | undefined): string | null =>
  name && USERNAME.test(name) ? name : null;

/** Telegram-HTML: the case's name, as a link when `botUsername` is usable. */
export function caseRef(t: T, caseId: number, botUsername: string | null | undefined): string {
  const text = t("links.case", { id: caseId });
  const user = usableUsername(botUsername);
  return user ? `<a href="${caseLink(user, caseId)}">${text}</a>` : text;
}
