/**
 * Issue 17: the conversation state is written without the echoes of our own messages
 * (src/db/conversation-slim.ts): a sent message's text and keyboard, and the text and keyboard of the message
 * a pressed button sits on. What replay reads stays: message ids, the user's own texts and button data.
 */
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { slimConversationState, slimMessage } from "../../src/db/conversation-slim";
import { cases, conversationState } from "../../src/db/schema";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { REASONS } from "../support/flows";
import { useHarness } from "../support/harness";

type State = VersionedState<ConversationData>;

const fullMessage = {
  message_id: 17,
  from: { id: 42, is_bot: true, first_name: "Bot", username: "b" },
  date: 1_800_000_000,
  chat: { id: 5, type: "private", first_name: "Aida", username: "aida" },
  text: "Баянатыңыз — тексеріңіз ".repeat(40),
  entities: [{ type: "bold", offset: 0, length: 10 }],
  reply_markup: { inline_keyboard: [[{ text: "Жіберу", callback_data: "r:submit" }]] },
};

const stateOf = (receive: { payload: string; value: unknown }[]): State =>
  ({
    version: [0, 2],
    state: {
      report: [
        {
          args: "[1]",
          interrupts: [receive.length - 1],
          replay: {
            send: receive.map((r) => ({ payload: r.payload })),
            receive: receive.map((r, i) => ({ send: i, returnValue: r.value })),
          },
        },
      ],
    },
  }) as State;

describe("the stored conversation state without our messages' echoes (issue 17)", () => {
  it("a message keeps its id, date, chat id and type (and thread); anything else is returned as it is", () => {
    expect(slimMessage(fullMessage)).toEqual({
      message_id: 17,
      date: 1_800_000_000,
      chat: { id: 5, type: "private" },
    });
    expect(slimMessage({ ...fullMessage, message_thread_id: 3 })).toMatchObject({ message_thread_id: 3 });
    for (const other of [true, null, 5, "x", [fullMessage], { message_id: 1 }, { chat: { id: 1 } }])
      expect(slimMessage(other)).toBe(other);
  });

  it("reduces API results and pressed buttons' messages; keeps updates, externals and the input untouched", () => {
    const press = {
      update_id: 9,
      callback_query: {
        id: "q1",
        from: { id: 5, is_bot: false, first_name: "Aida", language_code: "kk" },
        chat_instance: "ci",
        data: "r:l:ru",
        message: fullMessage,
      },
    };
    const typed = {
      update_id: 8,
      message: { ...fullMessage, from: { id: 5, is_bot: false, first_name: "Aida" }, text: REASONS },
    };
    const external = { ok: true, ret: { ok: true, res: { ok: true, result: fullMessage } } };
    const input = stateOf([
      { payload: "wait", value: typed },
      { payload: "sendMessage", value: { ok: true, res: { ok: true, result: fullMessage } } },
      { payload: "wait", value: press },
      { payload: "answerCallbackQuery", value: { ok: true, res: { ok: true, result: true } } },
      { payload: "editMessageText", value: { ok: false, err: { message: "x", error: "{}" } } },
      { payload: "external", value: external },
    ]);
    const before = JSON.stringify(input);
    const out = slimConversationState(input);
    expect(JSON.stringify(input)).toBe(before); // a copy: the plugin's object is not changed

    const got = out.state.report![0]!.replay.receive.map((r) => r.returnValue);
    expect(got[0]).toEqual(typed); // the user's own message stays whole (replay reads its text)
    expect(got[1]).toEqual({
      ok: true,
      res: { ok: true, result: { message_id: 17, date: 1_800_000_000, chat: { id: 5, type: "private" } } },
    });
    expect(got[2]).toEqual({
      ...press,
      callback_query: { ...press.callback_query, message: slimMessage(fullMessage) },
    });
    expect(got[3]).toEqual({ ok: true, res: { ok: true, result: true } });
    expect(got[4]).toEqual({ ok: false, err: { message: "x", error: "{}" } }); // a failed call as recorded
    expect(got[5]).toBe(external); // our own values are ours: never reduced
    expect(out.state.report![0]!.interrupts).toEqual([5]);
    expect(out.state.report![0]!.args).toBe("[1]");
  });

  describe("through the bot", () => {
    const hr = useHarness();

    it("the learner's report: no text of ours in the stored state; the preview's buttons still work; the case is filed", async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      await addStaff(h.db, inst.id);
      const { tg, student } = await addStudent(h.db, inst.id, { lang: "kk" });
      const stored = async () => {
        const [row] = await h.db
          .select({ value: conversationState.value })
          .from(conversationState)
          .where(eq(conversationState.key, String(tg.id)));
        return row?.value ?? "";
      };

      await h.command(tg, "report");
      await h.press(tg, "r:g:own_will");
      await h.text(tg, REASONS);
      await h.press(tg, "r:c:no");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:ru");
      const preview = h.tg.lastTextTo(tg.id);
      expect(preview).toContain(REASONS);
      const value = await stored();
      // The user's answers are there (replay needs them); the bot's texts and keyboards are not.
      expect(value).toContain(REASONS);
      expect(value).toContain("r:l:ru");
      expect(value).not.toContain("Қадам 1/5");
      expect(value).not.toContain("inline_keyboard");
      expect(value).not.toContain("expulsion_test_bot");
      expect(value.length).toBeLessThan(4_000);

      // The preview is recognised by its message id after a restart of the replay: edit the phone, back to
      // the preview, submit.
      await h.press(tg, "r:e:phone");
      expect(h.tg.lastTextTo(tg.id)).toContain("4/5");
      await h.text(tg, "+7 701 000 00 00");
      expect(h.tg.lastTextTo(tg.id)).toContain("+7 701 000 00 00");
      await h.press(tg, "r:submit");
      const filed = await h.db.select().from(cases).where(eq(cases.studentId, student.id));
      expect(filed).toHaveLength(1);
      expect(filed[0]!.phone).toBe("+7 701 000 00 00");
      expect(await stored()).toBe(""); // the conversation ended: its state is gone
    });
  });
});
