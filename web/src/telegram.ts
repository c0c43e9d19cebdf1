/**
 * Telegram's side of the Mini App, without Telegram's script from a CDN: the launch parameters come from
 * the URL's hash as Telegram passes them (tgWebAppData, tgWebAppThemeParams, tgWebAppVersion), and calls go
 * out as Telegram's documented events through @telegram-apps/bridge (a few kB; it throws outside Telegram,
 * which a plain browser is, so every call here is guarded).
 */
import { on, postEvent, supports } from "@telegram-apps/bridge";

export interface Launch {
  /** The raw init data query string, sent as `Authorization: tma <initData>`; "" when not opened by Telegram. */
  initData: string;
  version: string;
  platform: string;
  theme: Record<string, string>;
  /** The user's Telegram language (from the init data, unsigned: only for texts before /api/me answers). */
  languageCode: string;
  /** A link's start parameter (t.me/<bot>/<app>?startapp=case_12 opens case 12), or "". */
  startParam: string;
}

const STORE = "tma-launch";

/** Reads the launch parameters; keeps them for a reload inside Telegram (which keeps the page, not the hash). */
export function readLaunch(hash = location.hash): Launch {
  let params = new URLSearchParams(hash.replace(/^#/, ""));
  if (params.has("tgWebAppData")) {
    try {
      sessionStorage.setItem(STORE, params.toString());
    } catch {
      // Storage may be off (private mode): the hash still works for this load.
    }
  } else {
    try {
      params = new URLSearchParams(sessionStorage.getItem(STORE) ?? "");
    } catch {
      // Nothing kept: an empty launch, and the page says to reopen it from the bot.
    }
  }
  const initData = params.get("tgWebAppData") ?? "";
  return {
    initData,
    version: params.get("tgWebAppVersion") ?? "6.0",
    platform: params.get("tgWebAppPlatform") ?? "unknown",
    theme: parseJson(params.get("tgWebAppThemeParams")),
    languageCode: userLanguage(initData),
    startParam: params.get("tgWebAppStartParam") ?? new URLSearchParams(initData).get("start_param") ?? "",
  };
}

/** The case a start parameter names ("case_12" → 12), or undefined. */
export function startCase(startParam: string): number | undefined {
  const m = /^case_(\d{1,9})$/.exec(startParam);
  return m ? Number(m[1]) : undefined;
}

function parseJson(text: string | null): Record<string, string> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== "object") return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string"));
  } catch {
    return {};
  }
}

function userLanguage(initData: string): string {
  try {
    const user = JSON.parse(new URLSearchParams(initData).get("user") ?? "{}") as { language_code?: unknown };
    return typeof user.language_code === "string" ? user.language_code : "";
  } catch {
    return "";
  }
}

/**
 * Theme colours as CSS variables (--tg-theme-bg-color …, Telegram's own names); styles.css falls back to
 * light colours for a plain browser. A colour that is not #rgb/#rrggbb is ignored (it goes into CSS).
 */
export function applyTheme(theme: Record<string, string>, root = document.documentElement): void {
  for (const [key, value] of Object.entries(theme)) {
    if (!/^[a-z_]+$/.test(key) || !/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(value)) continue;
    root.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
  }
  const bg = theme.bg_color;
  if (bg) root.style.colorScheme = isDark(bg) ? "dark" : "light";
}

function isDark(hex: string): boolean {
  const full = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, (c) => c + c) : hex;
  const n = Number.parseInt(full.slice(1), 16);
  const luminance = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
  return luminance < 128;
}

/** True inside a Telegram client (a webview proxy, a Windows Phone notify, or the web client's iframe). */
export function inTelegram(): boolean {
  const w = window as unknown as { TelegramWebviewProxy?: unknown; external?: { notify?: unknown } };
  return (
    Boolean(w.TelegramWebviewProxy) || typeof w.external?.notify === "function" || window.parent !== window
  );
}

/** Posts one of Telegram's events; false outside Telegram or when the client refuses it. */
function post(method: string, params?: Record<string, unknown>): boolean {
  if (!inTelegram()) return false;
  try {
    (postEvent as (m: string, p?: Record<string, unknown>) => void)(method, params);
    return true;
  } catch {
    return false;
  }
}

/** Tells Telegram the page is drawn (hides its loader), opens the sheet to full height, follows theme changes. */
export function startTelegram(): void {
  post("web_app_ready");
  post("web_app_expand");
  if (!inTelegram()) return;
  try {
    on("theme_changed", (e) => applyTheme(e.theme_params as Record<string, string>));
  } catch {
    // No event channel: the launch theme stays.
  }
}

/** Telegram's back button, shown while a case page is open; returns a function that hides it again. */
export function showBackButton(onBack: () => void): () => void {
  if (!post("web_app_setup_back_button", { is_visible: true })) return () => {};
  let off = () => {};
  try {
    off = on("back_button_pressed", onBack);
  } catch {
    // The in-page back link still works.
  }
  return () => {
    off();
    post("web_app_setup_back_button", { is_visible: false });
  };
}

/**
 * Downloads a file through Telegram (Bot API 8.0+: WebApp.downloadFile, i.e. web_app_request_file_download).
 * false when this client cannot: the caller lets the browser follow its <a download> link instead.
 */
export function telegramDownload(url: string, fileName: string, version: string): boolean {
  const webApp = (
    window as unknown as {
      Telegram?: { WebApp?: { downloadFile?: (p: { url: string; file_name: string }) => void } };
    }
  ).Telegram?.WebApp;
  if (typeof webApp?.downloadFile === "function") {
    webApp.downloadFile({ url, file_name: fileName });
    return true;
  }
  let supported = false;
  try {
    supported = supports("web_app_request_file_download", version);
  } catch {
    supported = false;
  }
  return supported && post("web_app_request_file_download", { url, file_name: fileName });
}
