/**
 * Issue 18: where the dashboard is served. /app/ from webAppAssets (gzip when accepted; index.html
 * revalidated, hashed files cached for good); the webhook server passes /app/ and /api/ to the dashboard
 * under its own limits (and without one, the bot's server is as before); while polling, a small server of
 * its own serves only the dashboard.
 */
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { webAppAssets } from "../../src/dashboard/assets";
import { createDashboardHandler } from "../../src/dashboard/server";
import { createLogger } from "../../src/logger";
import { startWebServer } from "../../src/server/web";
import { startWebhookServer } from "../../src/server/webhook";
import { useHarness } from "../support/harness";
import { TOKEN, useDashboard } from "./support/api-harness";

const SECRET = "s3cret-token-for-tests";

function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on("error", reject);
      req.end();
    },
  );
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;
const close = (s: Server) => {
  s.closeAllConnections();
  return new Promise((r) => s.close(r));
};

describe("/app/: the Mini App's files", () => {
  const d = useDashboard();

  it("index.html revalidated, gzip when accepted, 304 on a matching ETag; hashed files cached for good", async () => {
    const port = Number(new URL(d.current.base).port);
    const assets = await webAppAssets();
    const index = assets.get("index.html")!;

    const moved = await get(port, "/app?x=1");
    expect([moved.status, moved.headers.location]).toEqual([301, "/app/?x=1"]);

    const plain = await get(port, "/app/");
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(plain.headers["cache-control"]).toBe("no-cache");
    // Only its own files and API; browser.test.ts checks the page breaks none of it.
    expect(plain.headers["content-security-policy"]).toMatch(/default-src 'none'; script-src 'self';/);
    expect(plain.headers["content-security-policy"]).toContain("frame-ancestors https://web.telegram.org");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(index.body)).toBe(true);
    expect((await get(port, "/app/index.html")).body.equals(index.body)).toBe(true);

    const zipped = await get(port, "/app/", { "accept-encoding": "br, gzip;q=0.8" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("accept-encoding");
    expect(gunzipSync(zipped.body).equals(index.body)).toBe(true);
    expect(
      (await get(port, "/app/", { "accept-encoding": "gzip;q=0" })).headers["content-encoding"],
    ).toBeUndefined();

    const etag = String(plain.headers.etag);
    const again = await get(port, "/app/", { "if-none-match": etag });
    expect([again.status, again.body.length]).toEqual([304, 0]);

    const head = await get(port, "/app/", {}, "HEAD");
    expect([head.status, head.body.length, Number(head.headers["content-length"])]).toEqual([
      200,
      0,
      index.body.length,
    ]);

    for (const name of [...assets.keys()].filter((n) => n !== "index.html")) {
      const res = await get(port, `/app/${name}`, { "accept-encoding": "gzip" });
      expect(res.status, name).toBe(200);
      expect(res.headers["cache-control"], name).toBe(
        /[-.][A-Za-z0-9_]{8,}\.[a-z0-9]+$/.test(name) ? "public, max-age=31536000, immutable" : "no-cache",
      );
    }

    expect((await get(port, "/app/nope.js")).status).toBe(404);
    expect((await get(port, "/app/..%2Fsrc%2Fmain.ts")).status).toBe(404);
    expect((await get(port, "/app/%E0%A4%A")).status).toBe(404);
    expect((await get(port, "/app/", {}, "POST")).status).toBe(405);
  });
});

describe("the webhook server with the dashboard (issue 18)", () => {
  const hr = useHarness();

  it("passes /app/ and /api/ to the dashboard; /telegram and /healthz are as before", async () => {
    const h = hr.current;
    const dashboard = createDashboardHandler({
      db: h.db,
      botToken: TOKEN,
      api: h.api,
      clock: h.clock,
      log: createLogger("silent"),
      authMaxAgeSeconds: 3600,
    });
    const server = await startWebhookServer(h.bot, h.db, createLogger("silent"), {
      host: "127.0.0.1",
      port: 0,
      secretToken: SECRET,
      dashboard,
    });
    try {
      const port = portOf(server);
      const api = await get(port, "/api/me");
      expect([api.status, JSON.parse(api.body.toString())]).toEqual([401, { error: "unauthorized" }]);
      expect((await get(port, "/app/")).status).toBe(200);
      expect((await get(port, "/healthz")).status).toBe(200);
      expect((await get(port, "/telegram", {}, "POST")).status).toBe(401); // no secret token
      expect((await get(port, "/elsewhere")).status).toBe(404);
    } finally {
      await close(server);
    }
  });

  it("without WEBAPP_URL there is no dashboard: /app/ and /api/ are 404", async () => {
    const h = hr.current;
    const server = await startWebhookServer(h.bot, h.db, createLogger("silent"), {
      host: "127.0.0.1",
      port: 0,
      secretToken: SECRET,
    });
    try {
      expect((await get(portOf(server), "/api/me")).status).toBe(404);
      expect((await get(portOf(server), "/app/")).status).toBe(404);
    } finally {
      await close(server);
    }
  });

  it("while polling, a server of its own serves only the dashboard", async () => {
    const h = hr.current;
    const dashboard = createDashboardHandler({
      db: h.db,
      botToken: TOKEN,
      api: h.api,
      clock: h.clock,
      log: createLogger("silent"),
      authMaxAgeSeconds: 3600,
    });
    const server = await startWebServer(dashboard, createLogger("silent"), { host: "127.0.0.1", port: 0 });
    try {
      const port = portOf(server);
      expect((await get(port, "/api/tasks")).status).toBe(401);
      expect((await get(port, "/app/")).status).toBe(200);
      expect((await get(port, "/healthz")).status).toBe(404);
      expect((await get(port, "/telegram", {}, "POST")).status).toBe(404);
      // A port already taken is an error at start, not a silent bot without its dashboard.
      await expect(
        startWebServer(dashboard, createLogger("silent"), { host: "127.0.0.1", port }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await close(server);
    }
  });
});
