/**
 * A minimal Bot API over HTTP on loopback (node:http) for send benchmarks: answers sendMessage and
 * editMessageText like Telegram and enforces a global flood limit: when more than `limit` requests arrive
 * within any `windowMs` window (sliding), it answers 429 with parameters.retry_after. Counts everything.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface EmulatorStats {
  requests: number;
  accepted: number;
  tooMany: number;
  /** Accepted messages per text (to find duplicates and losses). */
  deliveries: Map<string, number>;
  /** Arrival times (ms, performance.now) of accepted messages. */
  acceptedAt: number[];
  /** Largest number of arrivals seen in any window. */
  peakInWindow: number;
}

export interface Emulator {
  apiRoot: string;
  stats: EmulatorStats;
  close(): Promise<void>;
}

/** A request's body as text. */
export const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

export async function startEmulator(
  opts: { limit?: number; windowMs?: number; retryAfter?: number; latencyMs?: number } = {},
): Promise<Emulator> {
  const limit = opts.limit ?? 30;
  const windowMs = opts.windowMs ?? 1000;
  const retryAfter = opts.retryAfter ?? 1;
  const stats: EmulatorStats = {
    requests: 0,
    accepted: 0,
    tooMany: 0,
    deliveries: new Map(),
    acceptedAt: [],
    peakInWindow: 0,
  };
  // Every arrival counts towards the window (a flood of refused requests keeps the limit hit).
  const arrivals: number[] = [];
  let head = 0;
  let nextMessageId = 1;

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const method = (req.url ?? "").split("/").pop() ?? "";
    const t = performance.now();
    stats.requests++;
    arrivals.push(t);
    while (head < arrivals.length && (arrivals[head] as number) <= t - windowMs) head++;
    if (head > 10_000) {
      arrivals.splice(0, head);
      head = 0;
    }
    const inWindow = arrivals.length - head;
    stats.peakInWindow = Math.max(stats.peakInWindow, inWindow);
    const reply = (code: number, payload: unknown) => {
      const send = () => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (opts.latencyMs) setTimeout(send, opts.latencyMs);
      else send();
    };
    if (inWindow > limit) {
      stats.tooMany++;
      return reply(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
    }
    let p: Record<string, unknown> = {};
    try {
      p = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return reply(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
    }
    const chat = { id: Number(p.chat_id), type: "private", first_name: "bench" };
    if (method === "sendMessage" || method === "editMessageText") {
      stats.accepted++;
      stats.acceptedAt.push(t);
      const key = String(p.text);
      stats.deliveries.set(key, (stats.deliveries.get(key) ?? 0) + 1);
      const message_id = method === "sendMessage" ? nextMessageId++ : Number(p.message_id);
      return reply(200, {
        ok: true,
        result: { message_id, date: Math.floor(Date.now() / 1000), chat, text: p.text },
      });
    }
    return reply(200, { ok: true, result: true });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
