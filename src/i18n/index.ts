/** i18next over locales/{kk,ru,en}.json. Kazakh is the default and the fallback (D10). */
import i18next, { type TFunction } from "i18next";
import en from "../../locales/en.json";
import kk from "../../locales/kk.json";
import ru from "../../locales/ru.json";
import {
  DEFAULT_LANGUAGE,
  INTERFACE_LANGUAGES,
  isLanguage,
  type Language,
  languageOfTelegram,
} from "../rules";

// The languages are D10's (src/rules/decisions.ts), under the names the bot uses; one list, not two.
export const LANGS = INTERFACE_LANGUAGES;
export type Lang = Language;
export const DEFAULT_LANG: Lang = DEFAULT_LANGUAGE;
export const isLang = isLanguage;
export const langOfTelegram = languageOfTelegram;

/** Telegram's HTML needs only these escaped; every interpolated value is escaped (names, reasons). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const instance = i18next.createInstance();
void instance.init({
  resources: { kk: { translation: kk }, ru: { translation: ru }, en: { translation: en } },
  lng: DEFAULT_LANG,
  fallbackLng: DEFAULT_LANG,
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: true, escape: (v: unknown) => escapeHtml(String(v)) },
});

export type T = TFunction;

/**
 * Conversations replay every earlier step on each update, re-rendering the same prompts and buttons:
 * translations without options, or with numbers only, are memoised per language. Texts that carry user
 * content (names, reasons) are never cached.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 10_000;
const fixed = new Map<Lang, TFunction>();

function cacheable(opts: unknown): string | null {
  if (opts === undefined) return "";
  if (typeof opts !== "object" || opts === null) return null;
  let k = "";
  for (const [name, v] of Object.entries(opts)) {
    if (typeof v !== "number") return null;
    k += `|${name}=${v}`;
  }
  return k;
}

export function tFor(lang: string | null | undefined): TFunction {
  const l: Lang = isLang(lang) ? lang : DEFAULT_LANG;
  let t = fixed.get(l);
  if (!t) {
    const base = instance.getFixedT(l);
    t = ((key: string, opts?: unknown) => {
      const suffix = typeof key === "string" ? cacheable(opts) : null;
      if (suffix === null) return (base as (k: unknown, o?: unknown) => string)(key, opts);
      const k = `${l}|${key}${suffix}`;
      let v = memo.get(k);
      if (v === undefined) {
        v = (base as (k: unknown, o?: unknown) => string)(key, opts);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(k, v);
      }
      return v;
    }) as unknown as TFunction;
    fixed.set(l, t);
  }
  return t;
}
