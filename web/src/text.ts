/**
 * The interface's words: every text comes from the server (Me.strings, the locales' `webapp` subtree, and
 * Me.labels), or, before /api/me answers, from the error texts index.html carries (assets.ts puts them
 * there from the same locales). Nothing here is a word shown to a person.
 */
import type { Me } from "../../src/dashboard/contract";

export type Strings = Record<string, string>;
export type LabelKind = keyof Me["labels"];

/** `strings[key]` with {{name}} filled in; the key itself when missing (visible, never a blank). */
export function fill(strings: Strings, key: string, vars: Record<string, string | number> = {}): string {
  const text = strings[key] ?? key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** A code's name (ground, category, state, step, role); the value itself when it has none (already words). */
export function labelOf(labels: Me["labels"], kind: LabelKind, value: string): string {
  return labels[kind]?.[value] ?? value;
}

/** "2026-03-27" → "27.03.2026" (the date mask of the bot's texts). */
export function localDate(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? "");
  return m ? `${m[3]}.${m[2]}.${m[1]}` : "";
}

/** An instant as Asia/Almaty wall time, "27.03.2026 14:05" (UTC+5 all year, D1). */
export function localDateTime(iso: string | null | undefined): string {
  const ms = Date.parse(iso ?? "");
  if (Number.isNaN(ms)) return "";
  const d = new Date(ms + 5 * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/**
 * The language for texts shown before /api/me answers: D10's rule for a user the bot does not know yet
 * (Telegram's ru → Russian, anything else → Kazakh; src/rules languageOfTelegram).
 */
export function bootLanguage(languageCode: string): "kk" | "ru" {
  return languageCode.toLowerCase().split(/[-_]/)[0] === "ru" ? "ru" : "kk";
}

/** The error texts index.html carries, for the reader's language. */
export function bootStrings(languageCode: string, doc: Document = document): Strings {
  try {
    const all = JSON.parse(doc.getElementById("boot")?.textContent ?? "{}") as Record<string, Strings>;
    return all[bootLanguage(languageCode)] ?? all.kk ?? {};
  } catch {
    return {};
  }
}
