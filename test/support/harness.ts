/**
 * Drives createBot with synthetic updates over a real database and a fake Bot API.
 *   const h = useHarness();            // in a describe block
 *   await h.command(user, "start");
 *   expect(h.tg.lastTextTo(user.id)).toContain(...)
 */

import { Api, type Bot } from "grammy";
import type { Update } from "grammy/types";
import { beforeEach } from "vitest";
import type { BotContext, Deps } from "../../src/bot/context";
import { createBot } from "../../src/bot/create-bot";
import { type Clock, fixedClock } from "../../src/clock";
import type { Database } from "../../src/db/client";
import { dispatchOnce } from "../../src/jobs/outbox-dispatcher";
import { createLogger } from "../../src/logger";
import { resetDatabase, testDatabase } from "./db";
import { BOT_INFO, FakeTelegram } from "./telegram";

export interface TgUser {
  id: number;
  first_name: string;
  language_code?: string;
}

let userSeq = 500_000;
export const newUser = (first_name = "User"): TgUser => ({ id: ++userSeq, first_name });

export class Harness {
  bot!: Bot<BotContext>;
  deps!: Deps;
  private updateId = 1;
  private messageId = 1;

  constructor(
    readonly database: Database,
    readonly clock: ReturnType<typeof fixedClock>,
    readonly adminTelegramIds: number[] = [],
    readonly tg: FakeTelegram = new FakeTelegram(),
  ) {
    this.rebuild();
  }

  get db() {
    return this.database.db;
  }

  /** A new bot over the same database: what a restart looks like to a user. */
  rebuild(): void {
    this.deps = {
      db: this.database.db,
      clock: this.clock as Clock,
      log: createLogger("silent"),
      adminTelegramIds: this.adminTelegramIds,
    };
    this.bot = createBot({ token: "42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz" }, this.deps, {
      botInfo: BOT_INFO,
      client: { fetch: this.tg.fetch as never },
    });
  }

  /** Runs the outbox dispatcher until nothing is due: what the background job does in production. */
  async flush(): Promise<number> {
    let sent = 0;
    for (let i = 0; i < 100; i++) {
      const stats = await dispatchOnce(
        {
          db: this.db,
          api: this.api,
          clock: this.clock,
          log: this.deps.log,
          adminTelegramIds: this.adminTelegramIds,
        },
        { sleep: async () => {}, ratePerSecond: 1e9 },
      );
      sent += stats.sent;
      if (stats.claimed === 0) return sent;
    }
    throw new Error("outbox did not drain");
  }

  get api() {
    return new Api("42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz", { fetch: this.tg.fetch as never });
  }

  async send(update: Omit<Update, "update_id">): Promise<void> {
    await this.bot.handleUpdate({ update_id: this.updateId++, ...update } as Update);
  }

  private message(user: TgUser, extra: Record<string, unknown>) {
    return {
      message_id: this.messageId++,
      date: Math.floor(this.clock().getTime() / 1000),
      chat: { id: user.id, type: "private" as const, first_name: user.first_name },
      from: { id: user.id, is_bot: false, first_name: user.first_name, language_code: user.language_code },
      ...extra,
    };
  }

  text(user: TgUser, text: string) {
    const entities = text.startsWith("/")
      ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }]
      : undefined;
    return this.send({ message: this.message(user, { text, entities }) as never });
  }

  command(user: TgUser, command: string, args = "") {
    return this.text(user, `/${command}${args ? ` ${args}` : ""}`);
  }

  sticker(user: TgUser) {
    return this.send({
      message: this.message(user, {
        sticker: {
          file_id: "s",
          file_unique_id: "s",
          type: "regular",
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      }) as never,
    });
  }

  /** A photo (one size); `file` overrides its fields (file_id, file_unique_id, file_size …). */
  photo(user: TgUser, file: Partial<{ file_id: string; file_unique_id: string; file_size: number }> = {}) {
    return this.send({
      message: this.message(user, {
        photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1, ...file }],
      }) as never,
    });
  }

  /** A file sent as a document (a PDF, a .docx …). */
  document(
    user: TgUser,
    doc: {
      file_name: string;
      mime_type?: string;
      file_size?: number;
      file_id?: string;
      file_unique_id?: string;
    },
  ) {
    const id = doc.file_id ?? `doc${this.messageId}`;
    return this.send({
      message: this.message(user, {
        document: { file_id: id, file_unique_id: doc.file_unique_id ?? `u${id}`, ...doc },
      }) as never,
    });
  }

  video(user: TgUser) {
    return this.send({
      message: this.message(user, {
        video: { file_id: "v", file_unique_id: "v", width: 1, height: 1, duration: 3 },
      }) as never,
    });
  }

  contact(user: TgUser, phone: string, ownerId = user.id) {
    return this.send({
      message: this.message(user, {
        contact: { phone_number: phone, first_name: user.first_name, user_id: ownerId },
      }) as never,
    });
  }

  /** Presses an inline button; `messageId` defaults to the last message the bot sent this user. */
  press(user: TgUser, data: string, messageId?: number) {
    const mid = messageId ?? this.lastMessageIdTo(user.id);
    return this.send({
      callback_query: {
        id: String(this.updateId),
        from: { id: user.id, is_bot: false, first_name: user.first_name, language_code: user.language_code },
        chat_instance: "ci",
        data,
        // As Telegram sends it: the message the button sits on, with its text and keyboard as they are now.
        message: {
          message_id: mid,
          date: 0,
          chat: { id: user.id, type: "private", first_name: user.first_name },
          ...this.messageAsShown(user.id, mid),
        },
      } as never,
    });
  }

  /** The text and inline keyboard of one of the bot's messages in a chat, after its latest edit. */
  private messageAsShown(chatId: number, messageId: number): { text: string; reply_markup?: unknown } {
    let shown: { text: string; reply_markup?: unknown } = { text: "" };
    for (const c of this.tg.calls) {
      const r = c.result as { message_id?: number; text?: string; reply_markup?: unknown } | undefined;
      if (Number(c.payload.chat_id) !== chatId || typeof r !== "object" || r?.message_id !== messageId)
        continue;
      shown = { text: r.text ?? "", ...(r.reply_markup ? { reply_markup: r.reply_markup } : {}) };
    }
    return shown;
  }

  lastMessageIdTo(chatId: number): number {
    const sends = this.tg.calls.filter(
      (c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId,
    );
    const last = sends[sends.length - 1]?.result as { message_id: number } | undefined;
    return last?.message_id ?? 1;
  }

  /** Callback data of every inline button in the last message to a chat. */
  buttonsTo(chatId: number): string[] {
    const last = [...this.tg.calls]
      .reverse()
      .find(
        (c) =>
          (c.method === "sendMessage" || c.method === "editMessageText") &&
          Number(c.payload.chat_id) === chatId,
      );
    const kb = (
      last?.payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined
    )?.inline_keyboard;
    return kb ? kb.flat().map((b) => b.callback_data ?? "") : [];
  }
}

/** One harness per test, over a freshly truncated database. */
export function useHarness(opts: { now?: string; adminTelegramIds?: number[] } = {}): { current: Harness } {
  const ref = {} as { current: Harness };
  beforeEach(async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    ref.current = new Harness(
      database,
      fixedClock(opts.now ?? "2026-03-20T04:00:00Z"),
      opts.adminTelegramIds,
    );
  });
  return ref;
}
