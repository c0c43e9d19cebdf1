/**
 * Telegram's error descriptions can quote the refused message ("can't parse entities: Unsupported start
 * tag \"…\"", a fragment of a learner's reasons), and a network error can carry the request URL with the
 * bot token (issue 12.18). Logs and the outbox's last_error keep the error code and a redacted description.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { enqueue } from "../../src/cases/outbox";
import { outbox } from "../../src/db/schema";
import { dispatchOnce } from "../../src/jobs/outbox-dispatcher";
import { redactTelegramText, safeError } from "../../src/logger";
import { useHarness } from "../support/harness";

const SECRET = "Нұрғалиев Әбілқайыр";
const QUOTING = `Bad Request: can't parse entities: Unsupported start tag "${SECRET}" at byte offset 12`;

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: pino({ level: "debug" }, stream), text: () => lines.join("") };
}

describe("Telegram's error text in logs", () => {
  const hr = useHarness();

  it("redactTelegramText keeps what went wrong and drops quoted text and the bot token", () => {
    expect(redactTelegramText(QUOTING)).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "[redacted]" at byte offset 12`,
    );
    expect(redactTelegramText("request to https://api.telegram.org/bot123:AAE-x_y/sendMessage failed")).toBe(
      "request to https://api.telegram.org/bot[token]/sendMessage failed",
    );
    expect(redactTelegramText("x".repeat(500))).toHaveLength(200);
  });

  it("the dispatcher logs and stores the code and the redacted description of a refused message", async () => {
    const h = hr.current;
    await enqueue(h.db, [{ chatId: 77, text: `<${SECRET}>` }], h.clock());
    h.tg.failNext(1, { kind: "http", code: 400, description: QUOTING }, "sendMessage");
    const { log, text } = memoryLogger();
    const deps = { db: h.db, api: h.api, clock: h.clock, log, adminTelegramIds: [] };
    const stats = await dispatchOnce(deps as never, { sleep: async () => {}, ratePerSecond: 1e9 });
    expect(stats.failed).toBe(1);
    expect(text()).toContain('"code":400');
    expect(text()).toContain("Unsupported start tag");
    expect(text()).not.toContain(SECRET);
    const [row] = await h.db.select().from(outbox);
    expect(row!.lastError).toContain("400");
    expect(row!.lastError).not.toContain(SECRET);
  });

  it("the error boundary logs a failed reply's code and redacted description, not its text", async () => {
    const h = hr.current;
    const { log, text } = memoryLogger();
    h.deps.log = log as never; // the bot reads deps.log when an update fails
    h.tg.failNext(1, { kind: "http", code: 400, description: QUOTING }, "sendMessage");
    await h.command({ id: 8101, first_name: "X" }, "start");
    expect(text()).toContain("update failed");
    expect(text()).toContain('"code":"400"');
    expect(text()).toContain('"method":"sendMessage"');
    expect(text()).not.toContain(SECRET);
  });

  it("safeError drops the bot token from any error message", () => {
    const e = new Error("request to http://127.0.0.1:8081/bot123456:AAE-secret_token/getMe failed");
    expect(safeError(e).message).not.toContain("AAE-secret_token");
  });
});
