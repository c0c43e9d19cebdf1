/** Issue 18: the dashboard's settings. Off without WEBAPP_URL; an https address only; the polling server's
 * host and port; the age init data may have. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";

const TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ";

describe("the dashboard's configuration", () => {
  it("is off by default, with the polling server on 0.0.0.0:8081 and init data valid for an hour", () => {
    const c = loadConfig({ BOT_TOKEN: TOKEN });
    expect(c.WEBAPP_URL).toBeUndefined();
    expect([c.WEB_HOST, c.WEB_PORT, c.WEBAPP_AUTH_MAX_AGE]).toEqual(["0.0.0.0", 8081, 3600]);
  });

  it("takes an https address, a host, a port and a maximum age", () => {
    const c = loadConfig({
      BOT_TOKEN: TOKEN,
      WEBAPP_URL: "https://bot.example.kz/app/",
      WEB_HOST: "127.0.0.1",
      WEB_PORT: "9000",
      WEBAPP_AUTH_MAX_AGE: "900",
    });
    expect([c.WEBAPP_URL, c.WEB_HOST, c.WEB_PORT, c.WEBAPP_AUTH_MAX_AGE]).toEqual([
      "https://bot.example.kz/app/",
      "127.0.0.1",
      9000,
      900,
    ]);
    // In webhook mode too (served on the webhook's server).
    const w = loadConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.kz/telegram",
      WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
      WEBAPP_URL: "https://bot.example.kz/app/",
    });
    expect(w.WEBAPP_URL).toBe("https://bot.example.kz/app/");
    // An empty value is unset: the bot works as before.
    expect(loadConfig({ BOT_TOKEN: TOKEN, WEBAPP_URL: "" }).WEBAPP_URL).toBeUndefined();
  });

  it.each([
    [{ WEBAPP_URL: "http://bot.example.kz/app/" }, /WEBAPP_URL must be the public https address/],
    [{ WEBAPP_URL: "bot.example.kz/app" }, /WEBAPP_URL must be the public https address/],
    [{ WEB_PORT: "0" }, /WEB_PORT/],
    [{ WEB_PORT: "http" }, /WEB_PORT must be a port number/],
    [{ WEBAPP_AUTH_MAX_AGE: "10" }, /WEBAPP_AUTH_MAX_AGE must be at least 60 seconds/],
    [{ WEBAPP_AUTH_MAX_AGE: "an hour" }, /WEBAPP_AUTH_MAX_AGE must be a whole number of seconds/],
    [{ WEBAPP_AUTH_MAX_AGE: "999999" }, /WEBAPP_AUTH_MAX_AGE must be at most 604800/],
  ])("refuses %j with a clear line", (env, msg) => {
    expect(() => loadConfig({ BOT_TOKEN: TOKEN, ...env })).toThrow(msg);
  });
});
