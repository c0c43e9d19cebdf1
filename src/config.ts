import { z } from "zod";

/** Everything the program reads from the environment, validated once at start-up. */
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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default("./data"),
  JOBS: z
    .enum(["inline", "off"], {
      error: "must be inline (run jobs in the bot) or off (run npm run jobs elsewhere)",
    })
    .default("inline"),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses the environment; on failure throws a ConfigError whose message is one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) {
    const c = result.data;
    if (c.BOT_MODE === "webhook" && (!c.WEBHOOK_URL || !c.WEBHOOK_SECRET)) {
      throw new ConfigError("WEBHOOK_URL and WEBHOOK_SECRET are required when BOT_MODE=webhook");
    }
    return c;
  }
  const lines = result.error.issues.map((i) => `${i.path.join(".") || "config"} ${i.message}`);
  throw new ConfigError(lines.join("\n"));
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
