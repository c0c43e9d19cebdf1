/** What an official is told after pressing a task button or answering its questions (src/cases/act.ts). */
import type { T } from "../i18n";
import { clipPlain } from "./fit";
import { formatInstant, unescaped } from "./format";

/** The outcomes of act and checkAccess the official hears about (src/cases/act.ts ActResult). */
export type ActOutcome =
  | { status: "done"; caseId: number; stepKey: string; action: string }
  | { status: "waiting"; caseId: number; missing: readonly string[] }
  | { status: "already_done"; byName: string | null; at: Date | null }
  | { status: "closed"; caseId: number; state: string }
  | { status: "invalid"; error: { key: string; params?: Record<string, string | number> } }
  | { status: "not_found" | "not_allowed" };

/**
 * `html`: the text goes out as Telegram HTML (values escaped once). `toast`: as a callback answer, which
 * Telegram shows as plain text, so values are not escaped at all (issue 12.13: a name "Ivan & Co" showed
 * as "Ivan &amp; Co") and the text is cut to the toast's 200 characters (issue 12.4).
 */
export function actResultText(base: T, result: ActOutcome, mode: "html" | "toast" = "html"): string {
  const t = mode === "html" ? base : unescaped(base);
  const out = (text: string) => (mode === "html" ? text : clipPlain(text));
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
