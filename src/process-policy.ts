/**
 * What the process does with an error that no handler caught (installed by src/main.ts and
 * src/jobs/main.ts). Node's default is to exit on both kinds; for this program that turned every lost
 * database connection into a dead bot (issue 12.1), so the policy is deliberate:
 *
 *  - unhandledRejection: log and keep running. A rejected promise that nobody awaits belongs to work that
 *    has already ended (an update whose handler returned, or the driver's own bookkeeping such as its type
 *    lookup on a new connection); no synchronous code was interrupted, so no invariant is half-kept. Every
 *    change of a case is one database transaction, so a failed piece of work either committed or did not.
 *  - uncaughtException thrown inside the PostgreSQL driver: log and keep running. It comes from one
 *    connection's socket callback; the pool closes that connection and opens a new one (see
 *    scripts/patch-postgres.mjs for the defects of this kind we know of and have patched).
 *  - any other uncaughtException: log it and exit with code 1. It interrupted our own synchronous code at an
 *    unknown point, so the process state cannot be trusted; the supervisor (container runtime, systemd)
 *    restarts it, and nothing acknowledged is lost: cases, outbox rows and conversation drafts are in the
 *    database.
 */
import { type Logger, safeError } from "./logger";

/** True when the error was raised by the PostgreSQL driver's own code (its frames are on top). */
export function isDriverError(err: unknown): boolean {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  const frames = stack.split("\n").filter((l) => /^\s+at /.test(l));
  return frames.length > 0 && /[\\/]node_modules[\\/]postgres[\\/]/.test(frames[0]!);
}

export interface ProcessPolicy {
  onUnhandledRejection(reason: unknown): void;
  onUncaughtException(err: unknown): void;
}

export function processPolicy(log: Logger, exit: (code: number) => void): ProcessPolicy {
  return {
    onUnhandledRejection(reason) {
      log.error(
        { err: safeError(reason), source: isDriverError(reason) ? "database driver" : "program" },
        "unhandled promise rejection (logged; the program keeps running)",
      );
    },
    onUncaughtException(err) {
      if (isDriverError(err)) {
        log.error(
          { err: safeError(err), source: "database driver" },
          "uncaught exception in the database driver (logged; the connection is replaced, the program keeps running)",
        );
        return;
      }
      log.fatal({ err: safeError(err), source: "program" }, "uncaught exception: exiting");
      exit(1);
    },
  };
}

/** Installs the policy on this process; returns a function that removes it (tests). */
export function installProcessPolicy(
  log: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  const policy = processPolicy(log, exit);
  const onRejection = (reason: unknown) => policy.onUnhandledRejection(reason);
  const onException = (err: unknown) => policy.onUncaughtException(err);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return () => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}
