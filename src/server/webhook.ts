/**
 * Webhook mode: node:http with grammY's webhookCallback. Telegram must send the secret token header
 * (requests without it get 401); GET /healthz answers 200 when the database answers. Several instances
 * may sit behind a load balancer: per-chat order holds through a Postgres advisory lock per chat (see
 * src/db/client.ts withLock), and jobs claim their work in Postgres.
 *
 * Limits (issue 12.16): a body is read by us, counting bytes as they arrive, whatever the framing
 * (Content-Length or chunked), and refused with 413 past MAX_BODY_BYTES; a request must arrive whole within
 * REQUEST_TIMEOUT_MS (headers included), or its socket is closed, so a slow sender cannot hold sockets;
 * /healthz answers within HEALTH_TIMEOUT_MS even when the database does not (503). The dashboard (issue
 * 18, /app/ and /api/) is served by the same server when it is on, under the same limits.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../bot/context";
import type { DashboardHandler } from "../dashboard/server";
import { type Db, pingDatabase } from "../db/client";
import { type Logger, safeError } from "../logger";
import { BodyTooLarge, readBody, timedServerOptions } from "./body";

const MAX_BODY_BYTES = 1_000_000;
const REQUEST_TIMEOUT_MS = 10_000;
const HEALTH_TIMEOUT_MS = 1_500;
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface WebhookOptions {
  host: string;
  port: number;
  secretToken: string;
  /** Path Telegram posts to; defaults to /telegram. */
  path?: string;
  /** Bytes a body may have (default 1 MB). */
  maxBodyBytes?: number;
  /** Time to receive a whole request, headers and body (default 10 s). */
  requestTimeoutMs?: number;
  /** Time /healthz waits for the database before answering 503 (default 1.5 s). */
  healthTimeoutMs?: number;
  /** Issue 18: the dashboard (/app/…, /api/…), under the same time limits; absent while it is off. */
  dashboard?: DashboardHandler;
}

const sameSecret = (given: string | string[] | undefined, expected: Buffer): boolean => {
  const g = Buffer.from(Array.isArray(given) ? (given[0] ?? "") : (given ?? ""));
  return g.length === expected.length && timingSafeEqual(g, expected);
};

/** grammY's adapter over a body we have already read and parsed. */
const parsedAdapter = (update: Update, header: string | undefined, res: ServerResponse) => ({
  update,
  header,
  end: () => res.end(),
  respond: (json: string) => res.writeHead(200, { "Content-Type": "application/json" }).end(json),
  unauthorized: () => res.writeHead(401).end("secret token is wrong"),
});

export function startWebhookServer(
  bot: Bot<BotContext>,
  db: Db,
  log: Logger,
  opts: WebhookOptions,
): Promise<Server> {
  const path = opts.path ?? "/telegram";
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const healthTimeout = opts.healthTimeoutMs ?? HEALTH_TIMEOUT_MS;
  const secret = Buffer.from(opts.secretToken);
  const handle = webhookCallback(bot, parsedAdapter, {
    secretToken: opts.secretToken,
    // Telegram retries an update that is not answered in time; a slow database must not make duplicates.
    onTimeout: "return",
    timeoutMilliseconds: 25_000,
  });

  // One ping at a time: while the database black-holes connections, health checks share the ping in
  // flight instead of piling up connections.
  let ping: Promise<boolean> | undefined;
  const health = async (): Promise<"up" | "down" | "timeout"> => {
    ping ??= pingDatabase(db).finally(() => {
      ping = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), healthTimeout);
    });
    try {
      return await Promise.race([ping.then((ok) => (ok ? ("up" as const) : ("down" as const))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const answerHealth = async (res: ServerResponse): Promise<void> => {
    const db = await health();
    const ok = db === "up";
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok, db }));
  };

  const answerUpdate = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Not from Telegram: refused before a byte of the body is read.
    if (!sameSecret(req.headers[SECRET_HEADER], secret)) {
      res.writeHead(401).end();
      return;
    }
    // Telegram's updates are small; anything this large is not from Telegram.
    if (Number(req.headers["content-length"] ?? 0) > maxBody) {
      res.writeHead(413, { connection: "close" }).end();
      return;
    }
    let update: Update;
    try {
      update = JSON.parse((await readBody(req, maxBody)).toString("utf8")) as Update;
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        // Answer, then drop the connection instead of reading the rest of an endless body.
        res.writeHead(413, { connection: "close" }).end(() => req.socket.destroy());
      } else if (!res.headersSent) {
        // Malformed JSON, or the sender went away.
        res.writeHead(400).end();
      }
      return;
    }
    const header = req.headers[SECRET_HEADER];
    await handle(update, Array.isArray(header) ? header[0] : header, res);
  };

  const server = createServer(timedServerOptions(requestTimeout), async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "GET" && url.pathname === "/healthz") {
        await answerHealth(res);
        return;
      }
      if (req.method === "POST" && url.pathname === path) {
        await answerUpdate(req, res);
        return;
      }
      if (opts.dashboard && (await opts.dashboard(req, res))) return;
      res.writeHead(404).end();
    } catch (err) {
      log.error({ err: safeError(err) }, "webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  return new Promise((resolve) => server.listen(opts.port, opts.host, () => resolve(server)));
}
