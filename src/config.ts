import { z } from "zod";
import { ConfigError } from "./errors";

/**
 * Everything the program reads from the environment, validated once at start-up. The webhook fields are
 * checked in either mode (a typo is reported even while polling) and kept only in a webhook config.
 */
const schema = z.object({
  BOT_TOKEN: z
    .string({ error: "is missing: get a token from @BotFather in Telegram (/newbot) and put it in .env" })
    .regex(
      /^\d+:[\w-]{20,}$/,
      "does not look like a bot token (digits, a colon, then letters): copy it again from @BotFather",
    ),
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\//,
      "must start with postgres:// (or leave it empty to use the embedded database)",
    )
    .optional(),
  BOT_MODE: z.enum(["polling", "webhook"], { error: "must be polling or webhook" }).default("polling"),
  WEBHOOK_URL: z.url({ error: "must be the public https URL Telegram will call" }).optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{16,256}$/,
      "must be 16-256 letters, digits, _ or - (Telegram's secret_token rules)",
    )
    .optional(),
  WEBHOOK_HOST: z.string().default("0.0.0.0"),
  WEBHOOK_PORT: z.coerce.number({ error: "must be a port number" }).int().min(1).max(65535).default(8080),
  TELEGRAM_API_ROOT: z.url({ error: "must be a URL such as http://127.0.0.1:9000" }).optional(),
  ADMIN_TELEGRAM_IDS: z
    .string()
    .default("")
    .transform((s, ctx) => {
      const parts = s
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean);
      const ids: number[] = [];
      for (const p of parts) {
        if (!/^\d{1,15}$/.test(p)) {
          ctx.addIssue({
            code: "custom",
            message: `"${p}" is not a numeric Telegram user id (comma-separated list)`,
          });
          return z.NEVER;
        }
        ids.push(Number(p));
      }
      return ids;
    }),
  /** Issue 12.17: updates a minute one known user may send (a demo's scripted people act faster than anyone). */
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: "must be a whole number of updates a minute" })
    .int({ error: "must be a whole number of updates a minute" })
    .min(30, { error: "must be at least 30 (a person taps faster than that)" })
    .max(100_000)
    .default(120),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default("./data"),
  /**
   * Issue 18: the dashboard (a Telegram Mini App) is on when its public https address is set: the address
   * of /app/ on this program's HTTP server (the webhook server, or WEB_HOST:WEB_PORT while polling).
   */
  WEBAPP_URL: z
    .url({
      protocol: /^https$/,
      error: "must be the public https address of the dashboard, e.g. https://bot.example.kz/app/",
    })
    .optional(),
  /** Polling mode: where the dashboard's HTTP server listens (webhook mode serves it on the webhook's). */
  WEB_HOST: z.string().default("0.0.0.0"),
  WEB_PORT: z.coerce.number({ error: "must be a port number" }).int().min(1).max(65535).default(8081),
  /** Seconds a Mini App's init data stays valid (its auth_date); older is refused with 401. */
  WEBAPP_AUTH_MAX_AGE: z.coerce
    .number({ error: "must be a whole number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(60, { error: "must be at least 60 seconds" })
    .max(7 * 86_400, { error: "must be at most 604800 seconds (7 days)" })
    .default(3600),
  JOBS: z
    .enum(["inline", "off"], {
      error: "must be inline (run jobs in the bot) or off (run npm run jobs elsewhere)",
    })
    .default("inline"),
});

type Fields = z.infer<typeof schema>;
type WebhookField = "WEBHOOK_URL" | "WEBHOOK_SECRET" | "WEBHOOK_HOST" | "WEBHOOK_PORT";
type Common = Omit<Fields, "BOT_MODE" | WebhookField>;

/** Long polling: no public URL, so no webhook fields to misuse. */
export type PollingConfig = Common & { BOT_MODE: "polling" };

/** Telegram calls WEBHOOK_URL with WEBHOOK_SECRET; the server listens on WEBHOOK_HOST:WEBHOOK_PORT. */
export type WebhookConfig = Common & {
  BOT_MODE: "webhook";
  WEBHOOK_URL: string;
  WEBHOOK_SECRET: string;
  WEBHOOK_HOST: string;
  WEBHOOK_PORT: number;
};

/** Discriminated on BOT_MODE, so code that checks the mode gets the webhook fields typed as present. */
export type Config = PollingConfig | WebhookConfig;

/** Parses the environment; on failure throws a ConfigError whose message is one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return byMode(result.data);
  const lines = result.error.issues.map((i) => `${i.path.join(".") || "config"} ${i.message}`);
  throw new ConfigError(lines.join("\n"));
}

/** Narrows the parsed fields to the mode's config; a webhook without its URL or secret is refused. */
function byMode(fields: Fields): Config {
  const { BOT_MODE, WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_HOST, WEBHOOK_PORT, ...common } = fields;
  if (BOT_MODE === "polling") return { ...common, BOT_MODE };
  if (!WEBHOOK_URL || !WEBHOOK_SECRET) {
    throw new ConfigError("WEBHOOK_URL and WEBHOOK_SECRET are required when BOT_MODE=webhook");
  }
  return { ...common, BOT_MODE, WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_HOST, WEBHOOK_PORT };
}

/** For the program entry points: the config, or one clear line on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message.split("\n").join("; ")}\n`);
      process.exit(2);
    }
    throw err;
  }
}
