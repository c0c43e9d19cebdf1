/**
 * Issue 18: every API call carries the Mini App's init data, signed by Telegram with the bot's token
 * (HMAC-SHA-256, "WebAppData"). The signature is checked by @telegram-apps/init-data-node; its age is
 * checked here against the program's clock (injected, src/clock.ts), so the library's own expiry check, which
 * reads the system time, is switched off (expiresIn: 0).
 */
import type { IncomingMessage } from "node:http";
import { parse, validate } from "@telegram-apps/init-data-node";

/** Who the init data says is asking. */
export interface InitDataUser {
  telegramId: number;
  /** The Telegram app's language (D10: followed until the user chooses one). */
  languageCode?: string;
}

/** Telegram's init data is a query string of a few hundred bytes; anything much longer is not one. */
const MAX_INIT_DATA = 8_192;
/** A client clock a little ahead of ours is not a forgery: auth_date may be this far in our future. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * The raw init data: `Authorization: tma <initData>`, or, where `fromQuery` allows (GET /api/stats.csv,
 * which Telegram's WebApp.downloadFile fetches without our headers), the `tma` query parameter.
 */
export function initDataOf(req: IncomingMessage, url: URL, fromQuery: boolean): string | null {
  const header = req.headers.authorization;
  const m = typeof header === "string" ? /^tma (.+)$/i.exec(header.trim()) : null;
  const raw = m?.[1] ?? (fromQuery ? url.searchParams.get("tma") : null);
  return raw && raw.length <= MAX_INIT_DATA ? raw : null;
}

/**
 * The user of valid init data: signed with `botToken`, auth_date no older than `maxAgeSeconds` at `now`
 * (and not from the future), with a user. null for anything else: missing, forged, expired.
 */
export function verifyInitData(
  raw: string,
  botToken: string,
  maxAgeSeconds: number,
  now: Date,
): InitDataUser | null {
  try {
    validate(raw, botToken, { expiresIn: 0 });
    const data = parse(raw);
    const age = (now.getTime() - data.auth_date.getTime()) / 1000;
    if (!(age <= maxAgeSeconds && age >= -CLOCK_SKEW_SECONDS)) return null;
    const user = data.user;
    if (!user || !Number.isSafeInteger(user.id) || user.id <= 0) return null;
    return { telegramId: user.id, ...(user.language_code ? { languageCode: user.language_code } : {}) };
  } catch {
    return null;
  }
}
