/**
 * Polling mode has no HTTP server of its own: when the dashboard is on (WEBAPP_URL, issue 18), this small
 * one serves it on WEB_HOST:WEB_PORT, with the webhook server's time limit (a request, headers and body,
 * must arrive whole within REQUEST_TIMEOUT_MS, so a slow sender cannot hold sockets). Anything but /app/
 * and /api/ is 404.
 */
import { createServer, type Server } from "node:http";
import type { DashboardHandler } from "../dashboard/server";
import { type Logger, safeError } from "../logger";
import { timedServerOptions } from "./body";

const REQUEST_TIMEOUT_MS = 10_000;

export interface WebServerOptions {
  host: string;
  port: number;
  /** Time to receive a whole request, headers and body (default 10 s). */
  requestTimeoutMs?: number;
}

export function startWebServer(
  dashboard: DashboardHandler,
  log: Logger,
  opts: WebServerOptions,
): Promise<Server> {
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createServer(timedServerOptions(requestTimeout), async (req, res) => {
    try {
      if (await dashboard(req, res)) return;
      res.writeHead(404).end();
    } catch (err) {
      log.error({ err: safeError(err) }, "dashboard request failed");
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
