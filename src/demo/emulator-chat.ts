/**
 * One person's Telegram chat with the bot, through telegram-test-api (a Bot API emulator on loopback):
 * send text and commands, press inline buttons as Telegram would, and keep a readable transcript: new
 * messages, edits of earlier ones and pop-up answers to presses, in the order the bot sent them (when the
 * emulator records chat events, see emulator-events.ts).
 */
import type TelegramServer from "telegram-test-api";
import { buttonsOf, type ChatEvent, type ChatEvents, type InlineButton } from "./emulator-events";

type Client = ReturnType<TelegramServer["getClient"]>;

interface BotMessage {
  messageId: number;
  text: string;
  buttons: InlineButton[];
}

export interface ChatOptions {
  /** The Telegram app's language (from.language_code on every update), e.g. "ru". */
  languageCode?: string;
  /** Edits and pop-up answers to show in the transcript (recordChatEvents on the same server). */
  events?: ChatEvents;
}

/** A keyboard as one transcript line: "[text] [text]". */
const buttonLine = (buttons: InlineButton[]) => buttons.map((b) => `[${b.text}]`).join(" ");

/** HTML as Telegram shows it: tags gone, entities decoded. */
const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

export class EmulatorChat {
  readonly client: Client;
  readonly transcript: string[] = [];
  readonly received: BotMessage[] = [];
  /** waitFor looks at messages from here on: set by every action this person takes. */
  private cursor = 0;

  private readonly apiUrl: string;

  constructor(
    server: TelegramServer,
    private readonly token: string,
    readonly userId: number,
    readonly name: string,
    private readonly options: ChatOptions = {},
  ) {
    this.apiUrl = server.config.apiURL;
    this.client = server.getClient(token, {
      userId,
      chatId: userId,
      firstName: name,
      timeout: 15_000,
      interval: 50,
    });
  }

  async text(text: string) {
    this.cursor = this.received.length;
    this.transcript.push(`  ${this.name} ▶ ${text}`);
    const isCommand = text.startsWith("/");
    const extra = this.fromExtra();
    if (isCommand) await this.client.sendCommand(this.client.makeCommand(text, extra as never));
    else await this.client.sendMessage(this.client.makeMessage(text, extra as never));
  }

  /**
   * Sends a photo (as the Telegram app does: sizes with file ids, no text). The emulator keeps no files: the
   * id is what the bot stores and would re-send (issue 16).
   */
  async photo(fileId: string, sizeBytes = 350_000) {
    this.cursor = this.received.length;
    this.transcript.push(`  ${this.name} ▶ 🖼 ${fileId}`);
    const msg = this.client.makeMessage("", {
      ...this.fromExtra(),
      photo: [
        {
          file_id: `${fileId}-small`,
          file_unique_id: `${fileId}-s`,
          width: 90,
          height: 128,
          file_size: 4_000,
        },
        { file_id: fileId, file_unique_id: `${fileId}-u`, width: 1240, height: 1754, file_size: sizeBytes },
      ],
    } as never) as unknown as Record<string, unknown>;
    delete msg.text; // a photo has no text
    await this.client.sendMessage(msg as never);
  }

  private readonly pressed = new Set<string>();
  /** Recorded events whose new message getUpdates has not returned yet. */
  private waiting: ChatEvent[] = [];

  private fromExtra() {
    const lc = this.options.languageCode;
    return lc ? { from: { language_code: lc } } : {};
  }

  private unpressed(match: string | RegExp) {
    const test = (d: string) => (typeof match === "string" ? d === match : match.test(d));
    for (const m of [...this.received].reverse()) {
      const b = m.buttons.find((x) => test(x.data) && !this.pressed.has(`${m.messageId}:${x.data}`));
      if (b) return { msg: m, button: b };
    }
    return null;
  }

  /** Waits until a button matching arrives that has not been pressed yet. */
  async waitForButton(match: string | RegExp, timeoutMs = 20_000) {
    const start = Date.now();
    while (!this.unpressed(match)) {
      if (Date.now() - start > timeoutMs)
        throw new Error(`${this.name}: timed out waiting for a button ${String(match)}`);
      await new Promise((r) => setTimeout(r, 60));
      await this.poll();
    }
  }

  /**
   * Presses the first not-yet-pressed button whose callback data matches, on the newest message that has it.
   * A keyboard offers one choice (the bot retires a card once acted on): its other buttons count as used.
   */
  async press(match: string | RegExp) {
    const found = this.unpressed(match);
    if (!found)
      throw new Error(`${this.name}: no button ${String(match)} in ${JSON.stringify(this.received.at(-1))}`);
    const { msg, button } = found;
    // "📄" (d:, dc:, dr:) and "📎" (at:) only send files: the card's choice is still open.
    if (/^(?:d[cr]?|at):/.test(button.data)) this.pressed.add(`${msg.messageId}:${button.data}`);
    else for (const b of msg.buttons) this.pressed.add(`${msg.messageId}:${b.data}`);
    this.cursor = this.received.length;
    this.transcript.push(`  ${this.name} ▶ [${button.text}]`);
    const cb = this.client.makeCallbackQuery(button.data, {
      message: { message_id: msg.messageId },
      ...this.fromExtra(),
    } as never);
    await this.client.sendCallback(cb);
  }

  /** Reads what the bot sent since the last call. */
  async poll(): Promise<BotMessage[]> {
    // The emulator's own client waits for updates and throws when none come; ask its route directly.
    const http = await fetch(`${this.apiUrl}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: this.token, chatId: this.userId }),
    });
    const res = (await http.json()) as {
      result: { messageId: number; message: { text?: string; reply_markup?: unknown } }[];
    };
    const fresh: BotMessage[] = (res.result ?? []).map((u) => ({
      messageId: u.messageId,
      text: u.message.text ?? "",
      buttons: buttonsOf(u.message.reply_markup),
    }));
    // Without recorded events, only new messages show, in the order they came.
    const drained =
      this.options.events?.drain(this.userId) ?? fresh.map((): ChatEvent => ({ kind: "message" }));
    const events = [...this.waiting, ...drained];
    this.waiting = [];
    const queue = [...fresh];
    for (const [i, e] of events.entries()) {
      if (e.kind === "message") {
        const m = queue.shift();
        // Sent after getUpdates answered: it and what followed it wait for the next poll.
        if (!m) {
          this.waiting = events.slice(i);
          break;
        }
        this.show(m);
      } else if (e.kind === "edit") this.edited(e);
      else this.transcript.push(`  bot 💬 ${e.alert ? "(alert) " : ""}${plain(e.text)}`);
    }
    for (const m of queue) this.show(m);
    return fresh;
  }

  private show(m: BotMessage) {
    this.received.push(m);
    this.transcript.push(`  bot ◀ ${plain(m.text).split("\n").join("\n        ")}`);
    if (m.buttons.length) this.transcript.push(`        ${buttonLine(m.buttons)}`);
  }

  /** An earlier message changed: its copy here takes the new text and buttons, and the transcript says so. */
  private edited(e: Extract<ChatEvent, { kind: "edit" }>) {
    const m = this.received.find((x) => x.messageId === e.messageId);
    if (m) {
      if (e.text !== undefined) m.text = e.text;
      m.buttons = e.buttons;
    }
    if (e.text === undefined) {
      this.transcript.push(
        e.buttons.length ? `  bot ✎ ${buttonLine(e.buttons)}` : "  bot ✎ (buttons removed)",
      );
      return;
    }
    this.transcript.push(`  bot ✎ ${plain(e.text).split("\n").join("\n        ")}`);
    if (e.buttons.length) this.transcript.push(`        ${buttonLine(e.buttons)}`);
  }

  /** Waits until a message from the bot satisfies the predicate (text includes, or has a button). */
  async waitFor(match: string | RegExp, timeoutMs = 20_000): Promise<BotMessage> {
    const ok = (m: BotMessage) =>
      typeof match === "string"
        ? m.text.includes(match) || m.buttons.some((b) => b.data === match)
        : match.test(m.text) || m.buttons.some((b) => match.test(b.data));
    const start = Date.now();
    for (;;) {
      await this.poll();
      const found = this.received.slice(this.cursor).find(ok);
      if (found) return found;
      if (Date.now() - start > timeoutMs) {
        throw new Error(
          `${this.name}: timed out waiting for ${String(match)}; last: ${this.received.at(-1)?.text ?? "nothing"}`,
        );
      }
      await new Promise((r) => setTimeout(r, 60));
    }
  }
}
