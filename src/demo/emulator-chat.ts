/**
 * One person's Telegram chat with the bot, through telegram-test-api (a Bot API emulator on loopback):
 * send text and commands, press inline buttons as Telegram would, and keep a readable transcript.
 */
import type TelegramServer from "telegram-test-api";

type Client = ReturnType<TelegramServer["getClient"]>;

interface BotMessage {
  messageId: number;
  text: string;
  buttons: { text: string; data: string }[];
}

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
    if (isCommand) await this.client.sendCommand(this.client.makeCommand(text));
    else await this.client.sendMessage(this.client.makeMessage(text));
  }

  private readonly pressed = new Set<string>();

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
    // "📄" (d:, dc:, dr:) only sends files: the card's choice is still open.
    if (/^d[cr]?:/.test(button.data)) this.pressed.add(`${msg.messageId}:${button.data}`);
    else for (const b of msg.buttons) this.pressed.add(`${msg.messageId}:${b.data}`);
    this.cursor = this.received.length;
    this.transcript.push(`  ${this.name} ▶ [${button.text}]`);
    const cb = this.client.makeCallbackQuery(button.data, {
      message: { message_id: msg.messageId },
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
    const fresh = (res.result ?? []).map((u) => {
      const markup = (
        typeof u.message.reply_markup === "string"
          ? JSON.parse(u.message.reply_markup)
          : u.message.reply_markup
      ) as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
      return {
        messageId: u.messageId,
        text: u.message.text ?? "",
        buttons: (markup?.inline_keyboard ?? [])
          .flat()
          .map((b) => ({ text: b.text, data: b.callback_data ?? "" })),
      };
    });
    for (const m of fresh) {
      this.received.push(m);
      const plain = m.text
        .replace(/<[^>]+>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
      this.transcript.push(`  bot ◀ ${plain.split("\n").join("\n        ")}`);
      if (m.buttons.length) this.transcript.push(`        ${m.buttons.map((b) => `[${b.text}]`).join(" ")}`);
    }
    return fresh;
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
