/**
 * The dashboard's HTTP handler (issue 18): /app/… serves the Mini App's files (./static.ts), /api/… answers
 * the calls of contract.ts (./api.ts, with D16's access rules in ./access.ts). Mounted on the webhook server
 * (src/server/webhook.ts) or, while polling, on a small server of its own (src/server/web.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Api } from "grammy";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import type { Logger } from "../logger";
import { createApi } from "./api";
import { serveStatic } from "./static";

export interface DashboardDeps {
  db: Db;
  /** Checks init data signatures (HMAC keyed by the token). */
  botToken: string;
  /** Sends documents, attachments and CSV files to the user's chat. */
  api: Api;
  clock: Clock;
  log: Logger;
  /** init data older than this is refused (401). */
  authMaxAgeSeconds: number;
}

/** Handles /app/… and /api/…; resolves false (and writes nothing) for any other path. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createDashboardHandler(deps: DashboardDeps): DashboardHandler {
  const api = createApi(deps);
  return async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return false;
    }
    const path = url.pathname;
    if (path === "/app" || path.startsWith("/app/")) {
      await serveStatic(req, res, url);
      return true;
    }
    if (path === "/api" || path.startsWith("/api/")) {
      await api(req, res, url);
      return true;
    }
    return false;
  };
}
