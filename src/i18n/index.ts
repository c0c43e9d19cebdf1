/** i18next over locales/{kk,ru,en}.json. Kazakh is the default and the fallback (D10). */
import i18next, { type TFunction } from "i18next";
import en from "../../locales/en.json";
import kk from "../../locales/kk.json";
import ru from "../../locales/ru.json";

export const LANGS = ["kk", "ru", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "kk";

export function isLang(v: unknown): v is Lang {
  return typeof v === "string" && (LANGS as readonly string[]).includes(v);
}

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

export function tFor(lang: string | null | undefined): TFunction {
  return instance.getFixedT(isLang(lang) ? lang : DEFAULT_LANG);
}
