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
