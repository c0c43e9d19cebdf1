/**
 * What the real Bot API refuses with 400, for the fake (issue 12.4): a message text over 4,096 characters
 * after entities parsing, a callback answer over 200, an empty text, and Telegram HTML that does not
 * parse (an unknown or unbalanced tag, a bare "<" or "&"). Written apart from src/messages/fit.ts on purpose,
 * so the bot's own splitting is checked against an independent reading of the rules.
 */

const TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

/** The text as Telegram shows it, or an error description when the HTML does not parse. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = "";
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === "<") {
      const end = html.indexOf(">", i);
      if (end < 0) return { error: `can't parse entities: unclosed start tag at byte offset ${i}` };
      const m = /^<(\/?)([a-z-]+)(\s[^>]*)?>$/i.exec(html.slice(i, end + 1));
      if (!m) return { error: `can't parse entities: unsupported start tag at byte offset ${i}` };
      const name = m[2]!.toLowerCase();
      if (!TAGS.has(name)) return { error: `can't parse entities: unsupported start tag "${name}"` };
      if (m[1]) {
        if (stack.pop() !== name) return { error: `can't parse entities: unmatched end tag "${name}"` };
      } else stack.push(name);
      i = end + 1;
    } else if (ch === "&") {
      const m = /^&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i.exec(html.slice(i, i + 12));
      if (!m) return { error: `can't parse entities: bare "&" at byte offset ${i}` };
      const e = m[0].toLowerCase();
      text +=
        e === "&lt;"
          ? "<"
          : e === "&gt;"
            ? ">"
            : e === "&amp;"
              ? "&"
              : e === "&quot;"
                ? '"'
                : String.fromCodePoint(
                    e.startsWith("&#x") ? Number.parseInt(e.slice(3), 16) : Number.parseInt(e.slice(2), 10),
                  );
      i += m[0].length;
    } else if (ch === ">") {
      return { error: `can't parse entities: bare ">" at byte offset ${i}` };
    } else {
      text += ch;
      i++;
    }
  }
  if (stack.length > 0) return { error: `can't parse entities: unclosed tag "${stack.at(-1)}"` };
  return { text };
}

/** The description of Telegram's 400 for this call, or null when Telegram would take it. */
export function telegramRefusal(method: string, payload: Record<string, unknown>): string | null {
  if (method === "answerCallbackQuery") {
    const text = typeof payload.text === "string" ? payload.text : "";
    return text.length > 200 ? "Bad Request: MESSAGE_TOO_LONG" : null;
  }
  if (method !== "sendMessage" && method !== "editMessageText") return null;
  const raw = String(payload.text ?? "");
  let text = raw;
  if (payload.parse_mode === "HTML") {
    const parsed = parseTelegramHtml(raw);
    if ("error" in parsed) return `Bad Request: ${parsed.error}`;
    text = parsed.text;
  }
  if (text.trim() === "") return "Bad Request: message text is empty";
  return text.length > 4096 ? "Bad Request: message is too long" : null;
}
