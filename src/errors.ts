/**
 * The errors that carry an operator's or a user's mistake, and the one check for a database unique
 * violation. Their messages are one line meant to be shown as is; anything else that is thrown is a bug
 * and goes to the error boundary (src/logger.ts safeError) instead.
 */

/** A mistake in what the user gave (a bad value, an unknown code); the message is one line to show as is. */
export class InputError extends Error {
  override name = "InputError";
}

/** A wrong command line: the message is shown with a pointer to the command's --help. */
export class UsageError extends InputError {
  override name = "UsageError";
}

/** A bad environment variable (src/config.ts): the message is one line per bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * PostgreSQL's unique_violation (SQLSTATE 23505), wherever drizzle or the driver wrapped it: both
 * node-postgres and PGlite set `code`, drizzle puts the driver's error in `cause`.
 */
export const isUniqueViolation = (err: unknown): boolean => {
  for (let e = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
};
