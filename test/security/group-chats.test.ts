/**
 * Issue 12.6: no learner data in a group chat. Before, `/case 1` (and `/case@bot 1`) by an official in a
 * supergroup posted the learner's name, rank, group and timeline there. Now every command and button that
 * shows personal data answers in a group with "write to me in private" and nothing else, and changes
 * nothing; in the private chat the same command works.
 */
import { describe, expect, it } from "vitest";
import { caseSteps, cases } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport, stepButton } from "../support/flows";
import { type Harness, type TgUser, useHarness } from "../support/harness";
import { BOT_INFO } from "../support/telegram";

const kk = tFor("kk");
const GROUP = { id: -1001234567890, type: "supergroup" as const, title: "Курс 2" };
const NAME = "Әбілқайыр Сәкенұлы Нұрғалиев"; // the learner's name in the fixtures

let messageId = 50_000;
function inGroup(h: Harness, user: TgUser, text: string) {
  const command = text.split(" ")[0]!;
  return h.send({
    message: {
      message_id: ++messageId,
      date: 0,
      chat: GROUP,
      from: { id: user.id, is_bot: false, first_name: user.first_name },
      text,
      entities: [{ type: "bot_command", offset: 0, length: command.length }],
    },
  } as never);
}
function pressInGroup(h: Harness, user: TgUser, data: string) {
  return h.send({
    callback_query: {
      id: String(++messageId),
      from: { id: user.id, is_bot: false, first_name: user.first_name },
      chat_instance: "group",
      data,
      message: { message_id: 7, date: 0, chat: GROUP, text: "" },
    },
  } as never);
}

describe("personal data and group chats", () => {
  const hr = useHarness();

  async function setup() {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const { tg } = await addStudent(h.db, inst.id, { name: NAME });
    await fileReport(h, tg, "own_will");
    await h.flush();
    return { h, staff, tg };
  }

  const toGroup = (h: Harness) =>
    h.tg.calls.filter((c) => Number(c.payload.chat_id) === GROUP.id).map((c) => String(c.payload.text ?? ""));

  it("/case 1, /case@bot 1, /inbox, /status, /report in a group: only 'write to me in private'", async () => {
    const { h, staff, tg } = await setup();
    h.tg.clear();
    const reply = kk("private_only.command", { bot: BOT_INFO.username });
    await inGroup(h, staff.head.tg, "/case 1");
    await inGroup(h, staff.head.tg, `/case@${BOT_INFO.username} 1`);
    await inGroup(h, staff.head.tg, "/inbox");
    await inGroup(h, tg, "/status");
    await inGroup(h, tg, "/report");
    expect(toGroup(h)).toEqual([reply, reply, reply, reply, reply]);
    // Nothing else went anywhere: no private message either, no conversation started.
    expect(h.tg.calls.map((c) => c.method)).toEqual(Array(5).fill("sendMessage"));
    expect(reply).toContain(`@${BOT_INFO.username}`);
    // A command addressed to another bot is not ours to answer.
    await inGroup(h, staff.head.tg, "/case@some_other_bot 1");
    expect(toGroup(h)).toHaveLength(5);
    // The same command in the private chat works.
    await h.command(staff.head.tg, "case", "1");
    expect(h.tg.textsTo(staff.head.tg.id).join("\n")).toContain(NAME);
  });

  it("case, audit trail, task, page and withdrawal buttons pressed in a group: an alert, nothing changes", async () => {
    const { h, staff, tg } = await setup();
    const agree = stepButton(h, staff.deputy.tg, "agree");
    h.tg.clear();
    await pressInGroup(h, staff.head.tg, "c:1");
    await pressInGroup(h, staff.head.tg, "t:1");
    await pressInGroup(h, staff.deputy.tg, agree);
    await pressInGroup(h, staff.deputy.tg, "ib:1");
    await pressInGroup(h, staff.head.tg, "menu:inbox");
    await pressInGroup(h, tg, "menu:status");
    await pressInGroup(h, tg, "w:1");
    await pressInGroup(h, tg, "wy:1");
    const answers = h.tg.sent("answerCallbackQuery");
    expect(answers.map((a) => a.text)).toEqual(Array(8).fill(kk("private_only.button")));
    expect(h.tg.calls.map((c) => c.method)).toEqual(Array(8).fill("answerCallbackQuery"));
    const steps = await h.db.select().from(caseSteps);
    expect(steps.find((s) => s.key === "endorse")?.state).toBe("pending");
    const [c] = await h.db.select().from(cases);
    expect(c?.state).toBe("open"); // not withdrawn
  });

  it("a stranger's command in a group stays unanswered (groups cost strangers nothing)", async () => {
    const { h } = await setup();
    h.tg.clear();
    await inGroup(h, { id: 777_001, first_name: "S" }, "/case 1");
    expect(h.tg.calls).toEqual([]);
  });
});
