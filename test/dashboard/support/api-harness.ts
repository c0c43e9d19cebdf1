/**
 * The dashboard's server side under test: createDashboardHandler on a real node:http server (port 0) over
 * the test database, a fake Bot API behind deps.api, and init data signed here with the library's sign()
 * and the test token, as Telegram would sign it.
 *
 *   const d = useDashboard();                 // in a describe block
 *   const res = await d.current.get("/api/me", headTg);
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sign } from "@telegram-apps/init-data-node";
import { Api } from "grammy";
import { afterEach, beforeEach } from "vitest";
import { fixedClock } from "../../../src/clock";
import { createDashboardHandler, type DashboardHandler } from "../../../src/dashboard/server";
import type { Database } from "../../../src/db/client";
import { createLogger } from "../../../src/logger";
import { resetDatabase, testDatabase } from "../../support/db";
import type { TgUser } from "../../support/harness";
import { FakeTelegram } from "../../support/telegram";

export const TOKEN = "42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz";
/** Friday 20 March 2026, 09:00 Asia/Almaty. */
export const NOW = "2026-03-20T04:00:00Z";
export const MAX_AGE = 3600;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (gzip not undone). */
  raw: Buffer;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back
  json: any;
}

export class DashboardHarness {
  readonly tg = new FakeTelegram();
  readonly api = new Api(TOKEN, { fetch: this.tg.fetch as never });
  readonly handler: DashboardHandler;
  private server!: Server;
  base = "";

  constructor(
    readonly database: Database,
    readonly clock: ReturnType<typeof fixedClock>,
    maxAge = MAX_AGE,
  ) {
    this.handler = createDashboardHandler({
      db: database.db,
      botToken: TOKEN,
      api: this.api,
      clock: this.clock,
      log: createLogger("silent"),
      authMaxAgeSeconds: maxAge,
    });
  }

  get db() {
    return this.database.db;
  }

  async listen(): Promise<void> {
    this.server = createServer(async (req, res) => {
      if (!(await this.handler(req, res))) res.writeHead(404).end("not ours");
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** Init data for this Telegram user, signed `ageSeconds` before now (with `token`: a forgery). */
  initData(user: TgUser, opts: { ageSeconds?: number; token?: string; lang?: string } = {}): string {
    const authDate = new Date(this.clock().getTime() - (opts.ageSeconds ?? 60) * 1000);
    return sign(
      {
        user: {
          id: user.id,
          first_name: user.first_name,
          ...(opts.lang ? { language_code: opts.lang } : {}),
        },
      } as never,
      opts.token ?? TOKEN,
      authDate,
    );
  }

  /** One request; `who`: a user (signed init data in the header), raw init data, or nobody. */
  request(
    method: string,
    path: string,
    who: TgUser | string | null,
    opts: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    if (who !== null) headers.authorization = `tma ${typeof who === "string" ? who : this.initData(who)}`;
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(opts.body));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${this.base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text, json });
        });
      });
      req.on("error", reject);
      req.end(opts.body);
    });
  }

  get(path: string, who: TgUser | string | null, headers?: Record<string, string>) {
    return this.request("GET", path, who, headers ? { headers } : {});
  }

  post(path: string, who: TgUser | string | null, body: unknown) {
    return this.request("POST", path, who, { body: JSON.stringify(body) });
  }
}

/** One dashboard per test, over a freshly truncated database, listening on a free port. */
export function useDashboard(opts: { now?: string } = {}): { current: DashboardHarness } {
  const ref = {} as { current: DashboardHarness };
  beforeEach(async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    ref.current = new DashboardHarness(database, fixedClock(opts.now ?? NOW));
    await ref.current.listen();
  });
  afterEach(async () => {
    await ref.current?.close();
  });
  return ref;
}
