/** What the admin commands share: their I/O, argument helpers and plain-text/CSV output. */
import { writeFile } from "node:fs/promises";
import { DateTime } from "luxon";
import type { Db } from "../db/client";
import { InputError, UsageError } from "../errors";
import type { Actor } from "../people/institutions";
import { TIME_ZONE } from "../rules";

export interface CliIo {
  /** The database, or how to open it (opened only when a command needs it, so --help needs none). */
  db: Db | (() => Promise<Db>);
  /** One line of output (stdout). */
  out: (s: string) => void;
  /** One line of diagnostics (stderr). */
  err: (s: string) => void;
  now: () => Date;
  /** The bot's @username for invite links (without the @). */
  botUsername?: string;
  /** Asked when neither --bot nor botUsername gives one (e.g. getMe with BOT_TOKEN). */
  resolveBotUsername?: () => Promise<string | undefined>;
  /** The dashboard's address (WEBAPP_URL) when it is on (issue 18): HQ viewers get its menu button. */
  webAppUrl?: string;
}

export type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

export interface Args {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface CommandContext {
  db(): Promise<Db>;
  out: (s: string) => void;
  err: (s: string) => void;
  now: () => Date;
  actor: Actor;
  /** --bot, then io.botUsername, then io.resolveBotUsername(); undefined when none is known. */
  botUsername(fromOption: string | undefined): Promise<string | undefined>;
  /** io.webAppUrl. */
  webAppUrl?: string;
}

export interface Command {
  /** The words that name it, e.g. "institution add". */
  name: string;
  /** Names of the positional arguments, all required, e.g. ["code", "file.csv"]. */
  args?: string[];
  /** The options after the name, e.g. "--code C --name-kk T [--week 1,2,3,4,5]". */
  synopsis?: string;
  summary: string;
  /** More lines for --help. */
  details?: string[];
  options?: Record<string, OptionSpec>;
  run(ctx: CommandContext, a: Args): Promise<number | undefined> | Promise<void>;
}

export const usageOf = (c: Command) =>
  [c.name, ...(c.args ?? []).map((a) => `<${a}>`), c.synopsis ?? ""].filter(Boolean).join(" ");

// --- Arguments --------------------------------------------------------------------------------------------

export function str(a: Args, name: string): string | undefined {
  const v = a.values[name];
  return typeof v === "string" ? v : undefined;
}

export function required(a: Args, name: string): string {
  const v = str(a, name);
  if (v === undefined || v.trim() === "") throw new UsageError(`--${name} is required`);
  return v;
}

export const flag = (a: Args, name: string): boolean => a.values[name] === true;

/** A comma-separated option, possibly given several times; empty items are dropped. */
export function list(a: Args, name: string): string[] | undefined {
  const v = a.values[name];
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).map(String);
  return parts
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter(Boolean);
}

export function int(value: string, label: string, min: number, max: number): number {
  const s = value.trim();
  if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max)
    throw new UsageError(`${label} must be a whole number ${min}–${max}, not "${value}"`);
  return Number(s);
}

export const id = (value: string, label: string) => int(value, label, 1, 2_147_483_647);

// --- Output ---------------------------------------------------------------------------------------------

/** Columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string[] {
  const width = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(width[i]! - [...c].length)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** One RFC 4180 field: quoted when it holds a delimiter, a quote, a line break or edge spaces. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",;\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: unknown[]) => fields.map(csvField).join(",");

/**
 * Writes a CSV file (CRLF, with a BOM so that spreadsheet programs read it as UTF-8), readable only by its
 * owner: invite links are keys.
 */
export async function writeCsv(path: string, lines: string[]): Promise<void> {
  try {
    await writeFile(path, `\uFEFF${lines.join("\r\n")}\r\n`, { encoding: "utf8", mode: 0o600 });
  } catch (err) {
    throw new InputError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** "2026-04-03 09:00" in Asia/Almaty. */
export const localTime = (d: Date) =>
  DateTime.fromJSDate(d, { zone: TIME_ZONE }).toFormat("yyyy-MM-dd HH:mm");

/** "1 invite", "2 invites". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const yesNo = (b: boolean) => (b ? "yes" : "no");
