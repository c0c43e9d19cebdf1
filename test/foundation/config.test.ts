import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { ConfigError } from "../../src/errors";

const TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ";

describe("config", () => {
  it("needs only BOT_TOKEN and fills defaults", () => {
    const c = loadConfig({ BOT_TOKEN: TOKEN });
    expect(c.BOT_MODE).toBe("polling");
    expect(c.DATA_DIR).toBe("./data");
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ADMIN_TELEGRAM_IDS).toEqual([]);
    expect(c.JOBS).toBe("inline");
    expect(c.RATE_LIMIT_PER_MINUTE).toBe(120);
    expect(loadConfig({ BOT_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: "2000" }).RATE_LIMIT_PER_MINUTE).toBe(2000);
  });

  it("names the missing token and says where to get one", () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/BOT_TOKEN.*@BotFather/);
  });

  it.each([
    [{ BOT_TOKEN: "nope" }, /BOT_TOKEN does not look like a bot token/],
    [{ BOT_TOKEN: TOKEN, DATABASE_URL: "mysql://x" }, /DATABASE_URL must start with postgres/],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: "push" }, /BOT_MODE must be polling or webhook/],
    [{ BOT_TOKEN: TOKEN, ADMIN_TELEGRAM_IDS: "12,abc" }, /"abc" is not a numeric Telegram user id/],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: "webhook" }, /WEBHOOK_URL and WEBHOOK_SECRET are required/],
    [{ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: "not a url" }, /TELEGRAM_API_ROOT must be a URL/],
    [{ BOT_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: "10" }, /RATE_LIMIT_PER_MINUTE must be at least 30/],
    [{ BOT_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: "many" }, /RATE_LIMIT_PER_MINUTE must be a whole number/],
  ])("refuses %j with a clear line", (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });

  it("gives a webhook config its URL, secret, host and port, and a polling config none of them", () => {
    const secret = "s3cret-s3cret-s3cret";
    const webhook = loadConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.kz/tg",
      WEBHOOK_SECRET: secret,
    });
    if (webhook.BOT_MODE !== "webhook") throw new Error("expected a webhook config");
    // Typed as present once the mode is known: no `!` needed (src/main.ts).
    const url: string = webhook.WEBHOOK_URL;
    expect([url, webhook.WEBHOOK_SECRET, webhook.WEBHOOK_HOST, webhook.WEBHOOK_PORT]).toEqual([
      "https://bot.example.kz/tg",
      secret,
      "0.0.0.0",
      8080,
    ]);

    const polling = loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: "https://bot.example.kz/tg" });
    expect(polling.BOT_MODE).toBe("polling");
    expect(Object.keys(polling).filter((k) => k.startsWith("WEBHOOK_"))).toEqual([]);
    if (polling.BOT_MODE === "polling") {
      // @ts-expect-error a polling config has no webhook fields
      expect(polling.WEBHOOK_URL).toBeUndefined();
    }
  });

  it("still checks a webhook field's form while polling", () => {
    expect(() => loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_SECRET: "short" })).toThrow(
      /WEBHOOK_SECRET must be 16-256 letters/,
    );
  });

  it("parses admin ids and treats empty strings as unset", () => {
    const c = loadConfig({ BOT_TOKEN: TOKEN, ADMIN_TELEGRAM_IDS: " 1, 22 ,333", DATABASE_URL: "" });
    expect(c.ADMIN_TELEGRAM_IDS).toEqual([1, 22, 333]);
    expect(c.DATABASE_URL).toBeUndefined();
  });
});
