/** Multi-step user flows shared by tests. */
import type { Harness, TgUser } from "./harness";

export const REASONS = "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.";

/** Walks the report conversation to the preview and submits. */
export async function fileReport(
  h: Harness,
  tg: TgUser,
  ground: "own_will" | "contract_refusal",
  lang: "kk" | "ru" = "ru",
) {
  await h.command(tg, "report");
  await h.press(tg, `r:g:${ground}`);
  await h.text(tg, REASONS);
  await h.press(tg, "r:c:no");
  await h.text(tg, "+7 700 123 45 67");
  await h.press(tg, `r:l:${lang}`);
  await h.press(tg, "r:submit");
}

/** The callback data of a task button in the latest message to this official that has one. */
export function stepButton(h: Harness, tg: TgUser, action: string): string {
  for (const payload of h.tg.sent("sendMessage", tg.id).reverse()) {
    const kb = (payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard;
    const b = kb?.flat().find((x) => x.callback_data?.endsWith(`:${action}`))?.callback_data;
    if (b) return b;
  }
  throw new Error(`no ${action} button for ${tg.id}: ${h.tg.lastTextTo(tg.id)}`);
}
