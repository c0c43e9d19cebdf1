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
 * An error as it may be logged: drizzle puts the bound parameters (names, reasons, phones) into its
 * "Failed query" messages, so everything from "params:" on is cut; the SQL text has placeholders only.
 */
export function safeError(err: unknown): { name: string; message: string; code?: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = (e as { code?: string }).code ?? cause?.code;
  const message = e.message.split(/\nparams:/)[0]!.slice(0, 2000);
  return { name: e.name, message, ...(code ? { code } : {}) };
}
