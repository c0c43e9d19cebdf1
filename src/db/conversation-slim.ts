/**
 * Issue 17: the stored conversation state without what replay never reads. @grammyjs/conversations v2 keeps
 * every update a conversation waited for and every Bot API result it got, and the whole state is written
 * on every update of the chat. Most of its bytes are echoes of our own texts: a sendMessage or edit result
 * carries the message's text, entities and inline keyboard, and a button press carries the message the
 * button sits on (for the report's preview, the whole report). Our conversations read only `message_id`
 * of a sent message (report.ts, the preview) and of a pressed button's message (`isPreview`), and grammY's
 * shortcuts (ctx.editMessage…, ctx.answerCallbackQuery) need only that, the chat and the query's id.
 *
 * So, on the way to the database: a Bot API result that is a Message keeps message_id, date, chat {id,
 * type} and message_thread_id; a callback query's message keeps the same. The update itself (the user's
 * text, the button's data, the sender) is kept whole. A state written before this change replays as before
 * (it only has more than it needs); test/foundation/conversation-slim.test.ts walks the flows with it.
 */
import type { ConversationData, VersionedState } from "@grammyjs/conversations";

/** The payloads of the send log that are not Bot API calls (conversation.wait, external, now, random…). */
const NOT_API = new Set(["wait", "external", "now", "random", "checkpoint", "skip", "halt", "kill"]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A Message reduced to what replay reads; anything that is not a message is returned as it is. */
export function slimMessage(m: unknown): unknown {
  if (!isObject(m) || typeof m.message_id !== "number" || !isObject(m.chat)) return m;
  const chat = m.chat as Json;
  return {
    message_id: m.message_id,
    date: m.date,
    chat: { id: chat.id, type: chat.type },
    ...(m.message_thread_id !== undefined ? { message_thread_id: m.message_thread_id } : {}),
  };
}

/** An update with the pressed button's message reduced (the rest kept whole). */
function slimUpdate(u: unknown): unknown {
  if (!isObject(u) || !isObject(u.callback_query)) return u;
  const q = u.callback_query as Json;
  if (!isObject(q.message)) return u;
  return { ...u, callback_query: { ...q, message: slimMessage(q.message) } };
}

/**
 * A Bot API call as the plugin records it, `{ ok: true, res: <Telegram's answer { ok, result }> }`, with
 * a Message result reduced.
 */
function slimApiResult(r: unknown): unknown {
  if (!isObject(r) || r.ok !== true || !isObject(r.res) || r.res.ok !== true) return r;
  const result = slimMessage(r.res.result);
  return result === r.res.result ? r : { ...r, res: { ...r.res, result } };
}

/** The state as it is written: a copy where anything was reduced; the input is never changed. */
export function slimConversationState(
  state: VersionedState<ConversationData>,
): VersionedState<ConversationData> {
  const data: ConversationData = {};
  for (const [id, list] of Object.entries(state.state)) {
    data[id] = list.map((conv) => {
      const { send, receive } = conv.replay;
      return {
        ...conv,
        replay: {
          send,
          receive: receive.map((op) => {
            const payload = send[op.send]?.payload;
            if (payload === "wait") return { ...op, returnValue: slimUpdate(op.returnValue) };
            if (payload === undefined || NOT_API.has(payload)) return op;
            return { ...op, returnValue: slimApiResult(op.returnValue) };
          }),
        },
      };
    });
  }
  return { ...state, state: data };
}
