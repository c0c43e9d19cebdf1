/**
 * The administrator's command line as a function: `runCli(argv, io)` parses, runs one command and returns
 * the exit code (0 done, 1 a mistake or a failure, printed as one line on err). src/cli.ts wires it to the
 * process; tests call it directly.
 */
import { parseArgs } from "node:util";
import type { Db } from "../db/client";
import { InputError, UsageError } from "../errors";
import { safeError } from "../logger";
import { auditCommands } from "./audit";
import { calendarCommands } from "./calendar";
import { dbCommands } from "./db";
import { documentCommands } from "./documents";
import { hqCommands } from "./hq";
import { institutionCommands } from "./institution";
import { type Args, type CliIo, type Command, type CommandContext, usageOf } from "./io";
import { peopleCommands } from "./people";

export type { CliIo } from "./io";

const BOT_USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

export const COMMANDS: readonly Command[] = [
  ...institutionCommands,
  ...peopleCommands,
  ...calendarCommands,
  ...auditCommands,
  ...documentCommands,
  ...hqCommands,
  ...dbCommands,
];

function generalHelp(): string[] {
  const heads = COMMANDS.map((c) => [c.name, ...(c.args ?? []).map((a) => `<${a}>`)].join(" "));
  const width = Math.max(...heads.map((h) => h.length));
  return [
    "Administrator's command line: npm run admin -- <command> [arguments] [options]",
    "",
    ...COMMANDS.map((c, i) => `  ${heads[i]!.padEnd(width)}  ${c.summary}`),
    "",
    "  help [command]  this text, or a command's usage (also: <command> --help)",
    "",
    "The database is DATABASE_URL (PostgreSQL) or the embedded one under DATA_DIR (default ./data).",
    "Invite links need the bot's username: --bot <username>, BOT_USERNAME, or BOT_TOKEN (asks Telegram).",
  ];
}

function commandHelp(c: Command): string[] {
  return [
    `Usage: npm run admin -- ${usageOf(c)}`,
    "",
    `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`,
    ...(c.details ?? []),
  ];
}

/** The command named by the first words of argv (the longest match), and the rest of argv. */
function find(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(" ").length))
      best = { command, rest: argv.slice(words.length) };
  }
  return best;
}

function parse(command: Command, rest: string[]): Args & { help: boolean } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    // Node's message for an unknown option goes on about positionals starting with "-": keep its first sentence.
    throw new UsageError(
      e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? e.message.split(". ")[0]!
        : e.message.replace(/\s*\n\s*/g, " "),
    );
  }
  const help = parsed.values.help === true;
  const expected = command.args ?? [];
  if (!help && parsed.positionals.length !== expected.length) {
    const what = expected.length === 0 ? "no arguments" : expected.map((a) => `<${a}>`).join(" ");
    throw new UsageError(
      parsed.positionals.length < expected.length
        ? `missing ${expected
            .slice(parsed.positionals.length)
            .map((a) => `<${a}>`)
            .join(" ")}`
        : `too many arguments (expected ${what})`,
    );
  }
  return { values: parsed.values as Args["values"], positionals: parsed.positionals, help };
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h")
    return help(argv.slice(1), io);

  const hit = find(argv);
  if (!hit) {
    const group = COMMANDS.filter((c) => c.name.split(" ")[0] === argv[0]).map((c) => c.name);
    io.err(
      group.length > 0
        ? `error: unknown command "${argv.slice(0, 2).join(" ")}"; did you mean: ${group.join(", ")}?`
        : `error: unknown command "${argv[0]}"; see: help`,
    );
    return 1;
  }
  const { command, rest } = hit;
  try {
    const args = parse(command, rest);
    if (args.help) {
      for (const line of commandHelp(command)) io.out(line);
      return 0;
    }
    return (await command.run(commandContext(io), args)) ?? 0;
  } catch (err) {
    reportFailure(command, err, io);
    return 1;
  }
}

/** `help [command]`: the general text, or a command's usage. */
function help(topic: string[], io: CliIo): number {
  const hit = topic.length > 0 ? find(topic) : undefined;
  if (topic.length > 0 && !hit) {
    io.err(`error: unknown command "${topic.join(" ")}"; see: help`);
    return 1;
  }
  for (const line of hit ? commandHelp(hit.command) : generalHelp()) io.out(line);
  return 0;
}

/** What a command gets: the database opened once, on first use, and the bot's username when asked for. */
function commandContext(io: CliIo): CommandContext {
  let dbPromise: Promise<Db> | undefined;
  return {
    db: () => {
      dbPromise ??= typeof io.db === "function" ? io.db() : Promise.resolve(io.db);
      return dbPromise;
    },
    out: io.out,
    err: io.err,
    now: io.now,
    actor: { via: "cli" },
    ...(io.webAppUrl ? { webAppUrl: io.webAppUrl } : {}),
    async botUsername(fromOption) {
      const given = fromOption ?? io.botUsername;
      if (given !== undefined && given !== "") {
        const name = given.replace(/^@/, "");
        if (!BOT_USERNAME_RE.test(name)) throw new UsageError(`"${given}" is not a bot username`);
        return name;
      }
      if (!io.resolveBotUsername) return undefined;
      try {
        return await io.resolveBotUsername();
      } catch (err) {
        io.err(`note: could not ask Telegram for the bot's username: ${safeFailure(err)}`);
        return undefined;
      }
    },
  };
}

/** One line on err for a command that failed: a usage mistake, an input mistake, or a failure. */
function reportFailure(command: Command, err: unknown, io: CliIo): void {
  if (err instanceof UsageError) {
    io.err(`error: ${err.message} (see: ${command.name} --help)`);
  } else if (err instanceof InputError) {
    io.err(`error: ${err.message}`);
  } else {
    // A failed query's message carries its bound parameters (a roster's personal numbers, names):
    // safeError keeps the SQL with its placeholders and drops the parameters (issue 12.11).
    io.err(`error: ${command.name} failed: ${safeFailure(err)}`);
    if (process.env.CLI_DEBUG) io.err(safeStack(err));
  }
}

/** The stack of an error without its message (which may carry query parameters): for CLI_DEBUG. */
function safeStack(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const frames = (e.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  return [`${e.name}: ${safeError(e).message}`, ...frames].join("\n");
}

/**
 * One line for a failure: safeError's message (a failed query's SQL with placeholders, never its
 * parameters), shortened, and the database's own reason (e.g. "canceling statement due to statement
 * timeout") with any quoted value in it blanked ("invalid input syntax for type integer: \"…\"").
 */
export function safeFailure(err: unknown): string {
  const safe = safeError(err);
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ");
  let text = oneLine(safe.message);
  if (text.length > 300) text = `${text.slice(0, 300)}…`;
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof Error && cause.message)
    text += `: ${oneLine(cause.message)
      .replace(/"[^"]*"?|'[^']*'?|\([^)]*\)=\([^)]*\)/g, '"…"')
      .slice(0, 200)}`;
  return safe.code ? `${text} (${safe.code})` : text;
}
