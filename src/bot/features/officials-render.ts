/** Turns use-case results into the official's reply, in their language. */
import type { ActResult } from "../../cases/act";
import { formatInstant } from "../../cases/format";
import type { BaseContext } from "../context";

export async function replyActResult(
  ctx: BaseContext,
  result: ActResult,
  send: (text: string) => Promise<unknown>,
) {
  const t = ctx.t;
  switch (result.status) {
    case "done":
      return send(t("act.ok", { id: result.caseId, step: t(`step.${result.stepKey}`) }));
    case "already_done":
      return send(
        t("act.already_done", {
          name: result.byName ?? "—",
          at: result.at ? formatInstant(new Date(result.at)) : "—",
        }),
      );
    case "closed":
      return send(t("act.closed", { id: result.caseId, state: t(`state.${result.state}`) }));
    case "invalid":
      return send(t(result.error.key, result.error.params));
    default:
      return send(t("act.not_allowed"));
  }
}
