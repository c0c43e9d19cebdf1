/**
 * Direct replies that may be long (a case view, an audit trail, a list of officials): split into several
 * messages at line breaks, never inside a tag or an entity, the keyboard on the last one (issue 12.4:
 * Telegram refuses a text over 4,096 characters, and the update would fail with it).
 */
import type { Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { MESSAGE_BUDGET, splitHtml } from "../messages/fit";

export async function replyFitted(
  ctx: Context,
  text: string,
  other: { reply_markup?: InlineKeyboardMarkup; parse_mode?: "HTML"; protect_content?: boolean } = {},
): Promise<void> {
  const parts = splitHtml(text, MESSAGE_BUDGET);
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    await ctx.reply(part, {
      parse_mode: other.parse_mode ?? "HTML",
      // Issue 14.11: personal data can't be forwarded or saved from the chat.
      ...(other.protect_content ? { protect_content: true } : {}),
      ...(last && other.reply_markup ? { reply_markup: other.reply_markup } : {}),
    });
  }
}
