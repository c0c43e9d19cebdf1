/**
 * A fake Bot API behind grammY's `client.fetch`: records every call and answers like Telegram.
 * Failures can be scheduled (429 with retry_after, 5xx, 403, network errors) to test recovery.
 */

import type { UserFromGetMe } from "grammy/types";
import { parseMultipart, type UploadedFile } from "../../src/demo/multipart";
import { telegramRefusal } from "./telegram-limits";

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  result?: unknown;
}

export type Failure =
  | { kind: "http"; code: number; description: string; retryAfter?: number }
  | { kind: "network" };

export const BOT_INFO: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: "Test bot",
  username: "expulsion_test_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

/** The bot as the sender of its own messages (what Telegram puts in `from` of a sent message). */
const BOT_FROM = {
  id: BOT_INFO.id,
  is_bot: true,
  first_name: BOT_INFO.first_name,
  username: BOT_INFO.username,
};

/** A sent message's inline keyboard, echoed back as Telegram does (a reply keyboard is not echoed). */
const echo = (p: Record<string, unknown>) => {
  const markup = p.reply_markup as { inline_keyboard?: unknown } | undefined;
  return markup?.inline_keyboard ? { reply_markup: { inline_keyboard: markup.inline_keyboard } } : {};
};

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  /** Benchmarks turn recording off so that memory measures the bot, not the fake. */
  record = true;
  /** Refuse what Telegram refuses (texts over 4,096 characters, toasts over 200, bad HTML) with its 400. */
  strict = true;
  private nextMessageId = 1000;
  private failures: { method: string | null; failure: Failure; remaining: number; chatId?: number }[] = [];

  /** The next `times` calls (of `method`, or any; to `chatId`, or any chat) fail with `failure`. */
  failNext(times: number, failure: Failure, method: string | null = null, chatId?: number) {
    this.failures.push({ method, failure, remaining: times, ...(chatId !== undefined ? { chatId } : {}) });
  }

  readonly fetch = async (
    url: unknown,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ json(): Promise<unknown> }> => {
    const method = String(url).split("/").pop() ?? "";
    const payload =
      typeof init?.body === "string"
        ? (JSON.parse(init.body) as Record<string, unknown>)
        : init?.body
          ? await readMultipart(init.body as AsyncIterable<Uint8Array>, init.headers ?? {})
          : {};
    const f = this.failures.find(
      (x) =>
        x.remaining > 0 &&
        (x.method === null || x.method === method) &&
        (x.chatId === undefined || Number(payload.chat_id) === x.chatId),
    );
    if (f) {
      f.remaining--;
      this.calls.push({ method: `!${method}`, payload });
      if (f.failure.kind === "network") throw new Error("fake network error: ECONNRESET");
      const { code, description, retryAfter } = f.failure;
      return {
        json: async () => ({
          ok: false,
          error_code: code,
          description,
          ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
        }),
      };
    }
    // What the real Bot API refuses whatever the moment (issue 12.4): too long, empty, HTML that does not parse.
    const refusal = this.strict ? telegramRefusal(method, payload) : null;
    if (refusal) {
      this.calls.push({ method: `!${method}`, payload });
      return { json: async () => ({ ok: false, error_code: 400, description: refusal }) };
    }
    const result = this.answer(method, payload);
    if (this.record) this.calls.push({ method, payload, result });
    return { json: async () => ({ ok: true, result }) };
  };

  private answer(method: string, p: Record<string, unknown>): unknown {
    const chat = { id: Number(p.chat_id), type: "private", first_name: "user" };
    switch (method) {
      case "getMe":
        return BOT_INFO;
      // As Telegram does: the sent message comes back with its sender and its inline keyboard.
      case "sendMessage":
        return { message_id: this.nextMessageId++, from: BOT_FROM, date: 0, chat, text: p.text, ...echo(p) };
      case "editMessageText":
        return { message_id: Number(p.message_id), from: BOT_FROM, date: 0, chat, text: p.text, ...echo(p) };
      case "sendDocument": {
        const file = p.document as UploadedFile | undefined;
        return {
          message_id: this.nextMessageId++,
          date: 0,
          chat,
          document: { file_id: `f${this.nextMessageId}`, file_unique_id: "u", file_name: file?.filename },
        };
      }
      default:
        return true;
    }
  }

  /** Successful calls of one method, optionally to one chat. */
  sent(method = "sendMessage", chatId?: number): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.method === method && (chatId === undefined || Number(c.payload.chat_id) === chatId))
      .map((c) => c.payload);
  }

  /** Texts sent (or edited) into a chat, in order. */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter(
        (c) =>
          (c.method === "sendMessage" || c.method === "editMessageText") &&
          Number(c.payload.chat_id) === chatId,
      )
      .map((c) => String(c.payload.text));
  }

  /** Files sent to a chat (sendDocument), with their names and bytes. */
  filesTo(chatId: number): UploadedFile[] {
    return this.sent("sendDocument", chatId).map((p) => p.document as UploadedFile);
  }

  lastTextTo(chatId: number): string {
    const all = this.textsTo(chatId);
    return all[all.length - 1] ?? "";
  }

  clear() {
    this.calls.length = 0;
  }
}

export type { UploadedFile };

/** Reads grammY's multipart/form-data body (see src/demo/multipart.ts). */
async function readMultipart(
  body: AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
): Promise<Record<string, unknown>> {
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return parseMultipart(Buffer.concat(chunks), type);
}
