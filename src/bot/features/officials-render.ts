/** Turns use-case results into the official's reply, in their language. */
import type { ActResult } from "../../cases/act";
import { clipPlain } from "../../cases/fit";
import { formatInstant } from "../../cases/format";
import type { BaseContext } from "../context";

/**
 * `html`: the text goes out as Telegram HTML (values escaped once). `toast`: as a callback answer, which
 * Telegram shows as plain text, so values are not escaped at all (issue 12.13: a name "Ivan & Co" showed
 * as "Ivan &amp; Co") and the text is cut to the toast's 200 characters (issue 12.4).
 */
export async function replyActResult(
  ctx: BaseContext,
  result: ActResult,
  send: (text: string) => Promise<unknown>,
  mode: "html" | "toast" = "html",
) {
  const t =
    mode === "html"
      ? ctx.t
      : (key: string, opts: Record<string, unknown> = {}) =>
          ctx.t(key, { ...opts, interpolation: { escapeValue: false } });
  const out = (text: string) => send(mode === "html" ? text : clipPlain(text));
  switch (result.status) {
    case "done":
      return out(
        result.action === "sendback"
          ? t("act.sent_back", { id: result.caseId })
          : t("act.ok", { id: result.caseId, step: t(`step.${result.stepKey}`) }),
      );
    case "waiting":
      return out(
        t("act.waiting", { id: result.caseId, steps: result.missing.map((k) => t(`step.${k}`)).join("; ") }),
      );
    case "already_done":
      return out(
        t("act.already_done", {
          name: result.byName ?? "—",
          at: result.at ? formatInstant(new Date(result.at)) : "—",
        }),
      );
    case "closed":
      return out(t("act.closed", { id: result.caseId, state: t(`state.${result.state}`) }));
    case "invalid":
      return out(t(result.error.key, result.error.params));
    default:
      return out(t("act.not_allowed"));
  }
}
