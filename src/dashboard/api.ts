/**
 * /api/…: the routes of contract.ts. Each call: the route is found (none: 404), the init data checked
 * (401), the viewer loaded and checked by D16 (403, 404), then the route answers. Every answer is JSON,
 * errors included, except the CSV.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { safeError } from "../logger";
import { loadViewer } from "./access";
import { initDataOf, verifyInitData } from "./auth";
import { Refusal, sendError, sendJson } from "./http";
import type { RouteHandler } from "./route";
import { casePage, sendToChat } from "./routes/case-page";
import { caseList } from "./routes/cases";
import { me } from "./routes/me";
import { hqStats, stats, statsCsv } from "./routes/stats";
import { tasks } from "./routes/tasks";
import type { DashboardDeps } from "./server";

interface Route {
  method: "GET" | "POST";
  path: RegExp;
  handle: RouteHandler;
  /** The init data may come in the `tma` query parameter (a download carries no header). */
  initDataInQuery?: boolean;
}

const ROUTES: readonly Route[] = [
  { method: "GET", path: /^\/api\/me$/, handle: me },
  { method: "GET", path: /^\/api\/tasks$/, handle: tasks },
  { method: "GET", path: /^\/api\/cases$/, handle: caseList },
  { method: "GET", path: /^\/api\/cases\/(\d{1,10})$/, handle: casePage },
  { method: "POST", path: /^\/api\/cases\/(\d{1,10})\/send$/, handle: sendToChat },
  { method: "GET", path: /^\/api\/stats$/, handle: stats },
  { method: "GET", path: /^\/api\/stats\.csv$/, handle: statsCsv, initDataInQuery: true },
  { method: "GET", path: /^\/api\/hq\/stats$/, handle: hqStats },
];

export function createApi(deps: DashboardDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method === "HEAD" ? "GET" : req.method;
    let params: string[] = [];
    const route = ROUTES.find((r) => {
      const m = r.method === method ? r.path.exec(url.pathname) : null;
      if (m) params = m.slice(1);
      return m !== null;
    });
    if (!route) return sendError(res, "not_found");
    const now = deps.clock();
    try {
      const raw = initDataOf(req, url, route.initDataInQuery === true);
      const user = raw ? verifyInitData(raw, deps.botToken, deps.authMaxAgeSeconds, now) : null;
      if (!user) return sendError(res, "unauthorized");
      const viewer = await loadViewer(deps.db, user.telegramId, user.languageCode, now);
      const body = await route.handle({ deps, viewer, req, res, url, params, now });
      if (body !== undefined) sendJson(res, 200, body);
    } catch (err) {
      if (err instanceof Refusal) return sendError(res, err.code);
      deps.log.error({ err: safeError(err), path: route.path.source }, "dashboard API call failed");
      if (!res.headersSent) sendError(res, "internal");
    }
  };
}
