/**
 * Issue 12.16: the webhook's limits hold whatever the client does. A chunked body (no Content-Length) is
 * counted as it arrives and refused past 1 MB; a slow sender loses its socket after the request timeout;
 * /healthz answers within 2 s when the database black-holes every query.
 */
import type { Server } from "node:http";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client";
import { users } from "../../src/db/schema";
import { createLogger } from "../../src/logger";
import { startWebhookServer, type WebhookOptions } from "../../src/server/webhook";
import { useHarness } from "../support/harness";

const SECRET = "s3cret-token-for-tests";

async function withServer(
  h: { bot: Parameters<typeof startWebhookServer>[0]; db: Db },
  opts: Partial<WebhookOptions>,
  fn: (port: number, server: Server) => Promise<void>,
): Promise<void> {
  const server = await startWebhookServer(h.bot, h.db, createLogger("silent"), {
    host: "127.0.0.1",
    port: 0,
    secretToken: SECRET,
    ...opts,
  });
  try {
    await fn((server.address() as AddressInfo).port, server);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

/** POSTs `chunks` with Transfer-Encoding: chunked (no Content-Length); resolves with the status or the error. */
function postChunked(port: number, chunks: number, chunkBytes: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/telegram",
        headers: {
          "content-type": "application/json",
          "transfer-encoding": "chunked",
          "x-telegram-bot-api-secret-token": SECRET,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
    const piece = Buffer.alloc(chunkBytes, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe("webhook limits (issue 12.16)", () => {
  const hr = useHarness();

  it("refuses a chunked body past 1 MB with 413, before reading it all, and stores nothing", async () => {
    const h = hr.current;
    await withServer(h, {}, async (port) => {
      // 2 MB in 64 KB chunks, no Content-Length: the old guard looked only at that header.
      const status = await postChunked(port, 32, 65_536);
      expect(status).toBe(413);
      expect(await h.db.select().from(users)).toHaveLength(0);
      // A normal update still goes through, chunked or not.
      const small = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            method: "POST",
            path: "/telegram",
            headers: {
              "content-type": "application/json",
              "transfer-encoding": "chunked",
              "x-telegram-bot-api-secret-token": SECRET,
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(
          JSON.stringify({
            update_id: 5,
            message: {
              message_id: 1,
              date: 0,
              chat: { id: 7101, type: "private", first_name: "W" },
              from: { id: 7101, is_bot: false, first_name: "W" },
              text: "/start",
              entities: [{ type: "bot_command", offset: 0, length: 6 }],
            },
          }),
        );
      });
      expect(small).toBe(200);
      expect(h.tg.lastTextTo(7101)).not.toBe("");
    });
  });

  it("answers a malformed body with 400 and a body without the secret with 401", async () => {
    const h = hr.current;
    await withServer(h, {}, async (port) => {
      const post = (body: string, secret?: string) =>
        fetch(`http://127.0.0.1:${port}/telegram`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
          },
          body,
        });
      expect((await post("{not json", SECRET)).status).toBe(400);
      expect((await post("{}", "wrong")).status).toBe(401);
      expect((await post("{}")).status).toBe(401);
    });
  });

  it("closes the socket of a sender that never finishes its request (request timeout; 10 s by default)", async () => {
    const h = hr.current;
    await withServer(h, {}, async (_port, server) => {
      // The default: a slow body held a socket for Node's 300 s before.
      expect(server.requestTimeout).toBe(10_000);
      expect(server.headersTimeout).toBe(10_000);
    });
    await withServer(h, { requestTimeoutMs: 400 }, async (port) => {
      const started = Date.now();
      const closed = await new Promise<{ ms: number; data: string }>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(
            "POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
              `X-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: 1000\r\n\r\n{"update_id":`,
          );
          // …and nothing more: a slowloris body.
        });
        let data = "";
        socket.on("data", (d) => {
          data += d.toString();
        });
        socket.on("close", () => resolve({ ms: Date.now() - started, data }));
        socket.on("error", () => {});
      });
      // Closed by the server (with 408) within the timeout plus Node's one-second check.
      expect(closed.ms).toBeLessThan(3_000);
      expect(closed.data).toMatch(/^HTTP\/1\.1 408/);
    });
  });

  it("/healthz answers 503 within 2 s when the database black-holes every query", async () => {
    const h = hr.current;
    let pings = 0;
    const blackHole = {
      execute: () => {
        pings++;
        return new Promise(() => {}); // never answers, like a dropped connection behind a firewall
      },
    } as unknown as Db;
    await withServer({ bot: h.bot, db: blackHole }, {}, async (port) => {
      const t0 = Date.now();
      const [a, b] = await Promise.all([
        fetch(`http://127.0.0.1:${port}/healthz`),
        fetch(`http://127.0.0.1:${port}/healthz`),
      ]);
      const took = Date.now() - t0;
      expect(a.status).toBe(503);
      expect(b.status).toBe(503);
      expect(await a.json()).toEqual({ ok: false, db: "timeout" });
      expect(took).toBeLessThan(2_000);
      // Two checks at once share one ping (no pile of connections to a dead database).
      expect(pings).toBe(1);
    });
    // And a database that answers is "up".
    await withServer(h, {}, async (port) => {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, db: "up" });
    });
  });
});
