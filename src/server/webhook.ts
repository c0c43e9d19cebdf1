/**
 * Webhook mode: node:http with grammY's webhookCallback. Telegram must send the secret token header
 * (requests without it get 401, checked by grammY); GET /healthz answers 200 when the database answers.
 * Several instances may sit behind a load balancer: per-chat order holds through a Postgres advisory
 * lock per chat (see src/db/chat-lock.ts), and jobs claim their work in Postgres.
 */
import { createServer, type Server } from "node:http";
import { type Bot, webhookCallback } from "grammy";
import type { BotContext } from "../bot/context";
import { type Db, pingDatabase } from "../db/client";
import { type Logger, safeError } from "../logger";

const MAX_BODY_BYTES = 1_000_000;

export interface WebhookOptions {
  host: string;
  port: number;
  secretToken: string;
  /** Path Telegram posts to; defaults to /telegram. */
  path?: string;
}

export function startWebhookServer(
  bot: Bot<BotContext>,
  db: Db,
  log: Logger,
  opts: WebhookOptions,
): Promise<Server> {
  const path = opts.path ?? "/telegram";
  const handle = webhookCallback(bot, "http", {
    secretToken: opts.secretToken,
    // Telegram retries an update that is not answered in time; a slow database must not make duplicates.
    onTimeout: "return",
    timeoutMilliseconds: 25_000,
  });
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "GET" && url.pathname === "/healthz") {
        const ok = await pingDatabase(db);
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok, db: ok ? "up" : "down" }));
        return;
      }
      if (req.method === "POST" && url.pathname === path) {
        // Telegram's updates are small; anything this large is not from Telegram.
        if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
          res.writeHead(413).end();
          return;
        }
        await handle(req, res);
        return;
      }
      res.writeHead(404).end();
    } catch (err) {
      log.error({ err: safeError(err) }, "webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  return new Promise((resolve) => server.listen(opts.port, opts.host, () => resolve(server)));
}
