/**
 * The Mini App's files (web/), bundled in memory by esbuild on first use (issue 18: a maintained tool chain,
 * no CDN at run time, first load ≤ 150 kB gzip: test/dashboard/assets.test.ts measures it). The script and
 * the style sheet carry a content hash in their names, so they may be cached for good; index.html names them.
 */
import { readFile } from "node:fs/promises";
import { basename, extname, join, sep } from "node:path";
import { gzipSync } from "node:zlib";
import en from "../../locales/en.json";
import kk from "../../locales/kk.json";
import ru from "../../locales/ru.json";
import { ROOT } from "../paths";

export interface Asset {
  body: Buffer;
  /** gzip of body, sent when the client accepts it. */
  gzip: Buffer;
  contentType: string;
}

/** web/ beside src/. */
export const WEB_DIR = `${join(ROOT, "web")}${sep}`;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * The texts index.html carries for the moments before /api/me answers (or when it refuses: a 401 has no
 * Me.strings to say "reopen from the bot" with). Same locales, same keys as Me.strings.
 */
const BOOT_KEYS = /^(title|loading|retry|error_\w+)$/;

function bootStrings(): Record<string, Record<string, string>> {
  const pick = (locale: { webapp?: Record<string, unknown> }) =>
    Object.fromEntries(
      Object.entries(locale.webapp ?? {}).filter(
        (e): e is [string, string] => BOOT_KEYS.test(e[0]) && typeof e[1] === "string",
      ),
    );
  return { kk: pick(kk), ru: pick(ru), en: pick(en) };
}

function asset(body: Buffer | string, name: string): Asset {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  return {
    body: buf,
    gzip: gzipSync(buf, { level: 9 }),
    contentType: CONTENT_TYPES[extname(name)] ?? "application/octet-stream",
  };
}

async function bundle(): Promise<Map<string, Asset>> {
  // Loaded only when the dashboard is on: the bot without WEBAPP_URL never starts esbuild.
  const { build } = await import("esbuild");
  const result = await build({
    absWorkingDir: WEB_DIR,
    entryPoints: { app: "src/main.tsx" },
    outdir: "dist",
    entryNames: "[name]-[hash]",
    tsconfig: "tsconfig.json",
    bundle: true,
    minify: true,
    write: false,
    format: "iife",
    // Telegram's webviews: Android's system Chromium, iOS 15+ WKWebView (esbuild cannot lower destructuring for Safari 14), Telegram Desktop's Qt WebEngine.
    target: ["es2020", "chrome87", "safari15"],
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const files = new Map<string, Asset>();
  for (const out of result.outputFiles) {
    const name = basename(out.path);
    files.set(name, asset(Buffer.from(out.contents), name));
  }
  const js = [...files.keys()].find((n) => n.endsWith(".js"));
  const css = [...files.keys()].find((n) => n.endsWith(".css"));
  if (!js || !css)
    throw new Error(`web/ bundle lacks a script or a style sheet: ${[...files.keys()].join(", ")}`);
  const template = await readFile(`${WEB_DIR}index.html`, "utf8");
  // "<" escaped so no text can close the <script> it sits in.
  const boot = JSON.stringify(bootStrings()).replace(/</g, "\\u003c");
  const html = template
    .replace("%CSS%", css)
    .replace("%JS%", js)
    .replace("</body>", () => `<script id="boot" type="application/json">${boot}</script>\n</body>`);
  files.set("index.html", asset(html, "index.html"));
  return files;
}

let cached: Promise<Map<string, Asset>> | undefined;

/** Path under /app/ ("index.html", "app-<hash>.js", "app-<hash>.css") → file. Built once, then cached. */
export function webAppAssets(): Promise<Map<string, Asset>> {
  if (!cached) {
    cached = bundle();
    // A failed build is not cached: the next request tries again (and logs again).
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
