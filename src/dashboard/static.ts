/**
 * /app/…: the Mini App's files (webAppAssets, built once, in memory), gzip when the client accepts it.
 * index.html is revalidated on every load (no-cache, with an ETag: a new release is seen at once); a file
 * whose name carries a content hash ("app-5P35EN2V.js") is cached for good; any other file revalidates.
 * The files hold no data: the data come from /api/, each call signed.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Asset, webAppAssets } from "./assets";

/** Built by a bundler with a content hash in the name: the name changes whenever the content does. */
const HASHED = /[-.][A-Za-z0-9_]{8,}\.[a-z0-9]+$/;

/**
 * What the page may load: only its own files and its own API; no inline script (the boot texts are a JSON
 * data block, which is not run), no plug-ins, no form posts elsewhere. Telegram's web client shows a Mini
 * App in a frame of web.telegram.org; the phone and desktop apps show it in a web view of their own.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors https://web.telegram.org",
].join("; ");

const etags = new WeakMap<Asset, string>();
const etagOf = (a: Asset): string => {
  let e = etags.get(a);
  if (!e) {
    e = `"${createHash("sha256").update(a.body).digest("base64url").slice(0, 27)}"`;
    etags.set(a, e);
  }
  return e;
};

/** "gzip" is in Accept-Encoding and not refused with q=0. */
const acceptsGzip = (req: IncomingMessage): boolean => {
  const header = String(req.headers["accept-encoding"] ?? "");
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().split(";");
    return name?.trim().toLowerCase() === "gzip" && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
};

export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  // Relative paths (app-….js, ../api/) need the trailing slash.
  if (url.pathname === "/app") {
    res.writeHead(301, { location: `/app/${url.search}` }).end();
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice("/app/".length)) || "index.html";
  } catch {
    name = "";
  }
  const asset = (await webAppAssets()).get(name);
  if (!asset) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
    return;
  }
  const etag = etagOf(asset);
  const headers: Record<string, string | number> = {
    "content-type": asset.contentType,
    "cache-control": HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache",
    etag,
    vary: "accept-encoding",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": CONTENT_SECURITY_POLICY,
  };
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const gzip = acceptsGzip(req);
  const body = gzip ? asset.gzip : asset.body;
  if (gzip) headers["content-encoding"] = "gzip";
  headers["content-length"] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
