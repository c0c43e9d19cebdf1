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
