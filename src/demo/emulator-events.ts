/**
 * telegram-test-api stores edits silently (a message already read never shows its new text) and drops the
 * text of callback answers. A user sees both: a card retired in place, a preview edited after a correction,
 * a pop-up "✅ Recorded". This records them per chat, in the order the bot sent them, so the demo's
 * transcripts and the end-to-end tests show what a person saw.
 */
import type TelegramServer from "telegram-test-api";
import { type ExpressLike, routeBeforeEmulator } from "./emulator-routes";

export interface InlineButton {
  text: string;
  data: string;
}

/** One thing the bot did in a chat, in the order the emulator received it. */
export type ChatEvent =
  /** A new message (its text and buttons arrive through getUpdates). */
  | { kind: "message" }
  /** The bot edited a message: new text (absent when only the buttons changed) and its buttons now. */
  | { kind: "edit"; messageId: number; text?: string; buttons: InlineButton[] }
  /** The answer to a button press: a toast, or an alert the user must close. */
  | { kind: "answer"; text: string; alert: boolean };

export interface ChatEvents {
  /** Takes (and forgets) what happened in a chat since the last call. */
  drain(chatId: number): ChatEvent[];
  /** Marks a new message in a chat (for routes added outside this module, e.g. sendDocument). */
  message(chatId: number): void;
}

export function buttonsOf(markup: unknown): InlineButton[] {
  const m = (typeof markup === "string" ? JSON.parse(markup) : markup) as
    | { inline_keyboard?: { text: string; callback_data?: string }[][] }
    | undefined;
  return (m?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data ?? "" }));
}

export function recordChatEvents(server: TelegramServer): ChatEvents {
  const queues = new Map<number, ChatEvent[]>();
  const push = (chatId: number, e: ChatEvent) => {
    if (!Number.isFinite(chatId)) return;
    queues.set(chatId, [...(queues.get(chatId) ?? []), e]);
  };
  /** Callback query ids (given out by the emulator in order) to the chat that pressed. */
  const pressedIn = new Map<string, number>();
  const emulator = server as unknown as { webServer: ExpressLike; callbackId: number };
  const app = emulator.webServer;

  // The emulator numbers callback queries itself; note whose the next one is before it does.
  routeBeforeEmulator(app, "/sendCallback", (req, _res, next) => {
    const body = req.body as { message?: { chat?: { id?: number } }; from?: { id?: number } };
    const chat = body.message?.chat?.id ?? body.from?.id;
    if (chat !== undefined) pressedIn.set(String(emulator.callbackId), Number(chat));
    next();
  });
  // Express handles a request synchronously up to the emulator's route, so the order recorded here is the
  // order the messages are stored in.
  routeBeforeEmulator(app, "/bot:token/:method", (req, _res, next) => {
    const body = req.body as Record<string, unknown>;
    const chatId = Number(body.chat_id);
    switch (req.params.method) {
      case "sendMessage":
        push(chatId, { kind: "message" });
        break;
      case "editMessageText":
        push(chatId, {
          kind: "edit",
          messageId: Number(body.message_id),
          text: String(body.text ?? ""),
          // Telegram drops the inline keyboard of a message edited without one.
          buttons: buttonsOf(body.reply_markup),
        });
        break;
      case "editMessageReplyMarkup":
        push(chatId, {
          kind: "edit",
          messageId: Number(body.message_id),
          buttons: buttonsOf(body.reply_markup),
        });
        break;
      case "answerCallbackQuery": {
        const chat = pressedIn.get(String(body.callback_query_id));
        pressedIn.delete(String(body.callback_query_id));
        if (chat !== undefined && body.text)
          push(chat, {
            kind: "answer",
            text: String(body.text),
            alert: body.show_alert === true || body.show_alert === "true",
          });
        break;
      }
    }
    next();
  });
  return {
    drain(chatId) {
      const q = queues.get(chatId) ?? [];
      queues.delete(chatId);
      return q;
    },
    message: (chatId) => push(chatId, { kind: "message" }),
  };
}
