import pino from "pino";

/**
 * Logs carry ids (telegram id, case id), never personal data: names, reasons and phone numbers
 * stay out. The redact list is a second line of defence for objects logged by mistake.
 */
export function createLogger(level = "info") {
  return pino({
    level,
    redact: {
      paths: [
        "*.fullName",
        "*.full_name",
        "*.reasons",
        "*.phone",
        "*.text",
        "*.first_name",
        "*.last_name",
        "*.username",
      ],
      censor: "[redacted]",
    },
  });
}
export type Logger = ReturnType<typeof createLogger>;

/**
 * Text from Telegram made safe to log or store: an error description can quote the message it refused
 * ("can't parse entities: Unsupported start tag \"…\"", or part of the text itself), and a network error
 * can carry the request URL with the bot token. Quoted fragments and the token are replaced, and the
 * length is capped; what is left says what went wrong, not what the message said.
 */
export function redactTelegramText(text: string): string {
  return text
    .replace(/bot\d+:[\w-]+/g, "bot[token]")
    .replace(/"[^"]*"?|«[^»]*»?|“[^”]*”?|`[^`]*`?/g, '"[redacted]"')
    .slice(0, 200);
}

/** A Telegram API error (grammY's GrammyError), recognised without importing grammY here. */
function telegramError(e: Error): { method: string; error_code: number; description: string } | null {
  const x = e as Partial<{ method: string; error_code: number; description: string }>;
  return e.name === "GrammyError" && typeof x.error_code === "number" && typeof x.description === "string"
    ? { method: String(x.method), error_code: x.error_code, description: x.description }
    : null;
}

/**
 * An error as it may be logged: drizzle puts the bound parameters (names, reasons, phones) into its
 * "Failed query" messages, so everything from "params:" on is cut; the SQL text has placeholders only.
 * A Telegram API error is logged as its method, error code and redacted description (redactTelegramText).
 */
export function safeError(err: unknown): { name: string; message: string; code?: string; method?: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const tg = telegramError(e);
  if (tg) {
    return {
      name: e.name,
      message: redactTelegramText(tg.description),
      code: String(tg.error_code),
      method: tg.method,
    };
  }
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = (e as { code?: string }).code ?? cause?.code;
  const message = e.message
    .split(/\nparams:/)[0]!
    .replace(/bot\d+:[\w-]+/g, "bot[token]")
    .slice(0, 2000);
  return { name: e.name, message, ...(code ? { code } : {}) };
}
