/**
 * The product's whole journey through a Bot API emulator: everyone binds through their invite link, a
 * cadet files an own-will report (ch. 4) and a master's student a contract refusal (ch. 6), and the
 * deputy head, the head and the personnel officer take both to a closed case.
 */
import type TelegramServer from "telegram-test-api";
import { EmulatorChat } from "./emulator-chat";
import type { DemoPerson } from "./seed";

export interface Cast {
  cadet: EmulatorChat;
  master: EmulatorChat;
  deputy: EmulatorChat;
  head: EmulatorChat;
  personnel: EmulatorChat;
}

/** Telegram user ids of the demo cast. */
const CAST_IDS: Record<keyof Cast, number> = {
  cadet: 1001,
  master: 1002,
  deputy: 2001,
  head: 2002,
  personnel: 2003,
};

/** One emulator chat per seeded person, and their invite tokens. */
export function castOf(server: TelegramServer, botToken: string, people: DemoPerson[]) {
  const byKey = new Map(people.map((p) => [p.key, p]));
  const person = (k: keyof Cast) => {
    const p = byKey.get(k);
    if (!p) throw new Error(`no seeded ${k}`);
    return p;
  };
  const keys = Object.keys(CAST_IDS) as (keyof Cast)[];
  const cast = Object.fromEntries(
    keys.map((k) => [k, new EmulatorChat(server, botToken, CAST_IDS[k], person(k).name)]),
  ) as unknown as Cast;
  const tokens = Object.fromEntries(keys.map((k) => [k, person(k).token])) as Record<keyof Cast, string>;
  return { cast, tokens };
}

export async function bindAll(cast: Cast, tokens: Record<keyof Cast, string>) {
  for (const key of Object.keys(cast) as (keyof Cast)[]) {
    await cast[key].text(`/start ${tokens[key]}`);
    await cast[key].waitFor("✅");
  }
}

export async function fileReport(
  chat: EmulatorChat,
  ground: "own_will" | "contract_refusal",
  reasons: string,
  lang: "kk" | "ru",
) {
  await chat.text("/report");
  await chat.waitFor("r:g:own_will");
  await chat.press(`r:g:${ground}`);
  await chat.waitFor(/\d+–\d+/);
  await chat.text(reasons);
  await chat.waitFor("r:c:no");
  await chat.press("r:c:no");
  await chat.waitFor("+7 700 123 45 67");
  await chat.text("+7 701 555 44 33");
  await chat.waitFor("r:l:kk");
  await chat.press(`r:l:${lang}`);
  await chat.waitFor("r:submit");
  await chat.press("r:submit");
  await chat.waitFor("📨");
}

/** Presses a task button (s:<step>:<action>) once it arrives, then answers the prompts that follow. */
async function act(chat: EmulatorChat, action: string, answers: string[] = []) {
  await chat.waitForButton(new RegExp(`^s:\\d+:${action}$`));
  await chat.press(new RegExp(`^s:\\d+:${action}$`));
  for (const a of answers) {
    await chat.waitFor("/cancel");
    await chat.text(a);
  }
  // One-tap actions are answered with a toast (answerCallbackQuery); typed answers get a message.
  if (answers.length) await chat.waitFor(/Жазылды|Записано|Recorded/);
}

export async function walkOwnWill(cast: Cast, today: string) {
  await fileReport(cast.cadet, "own_will", "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.", "kk");
  await act(cast.deputy, "interview", [today]);
  await act(cast.head, "instruct");
  await act(cast.personnel, "record", ["Баянаттағы фактілер әңгімеде расталды."]);
  await act(cast.head, "approve");
  await act(cast.personnel, "order", ["17-ж", today]);
  for (const step of ["done", "done", "done", "done"]) await act(cast.personnel, step);
  await cast.cadet.waitFor(/жабылды|закрыто|closed/);
}

export async function walkContractRefusal(cast: Cast, today: string) {
  await fileReport(
    cast.master,
    "contract_refusal",
    "Келісімшарттың шарттарымен келіспеймін, себебі отбасым басқа қалада.",
    "ru",
  );
  await act(cast.deputy, "interview", [today]);
  await act(cast.head, "approve");
  await act(cast.personnel, "order", ["18-ж", today]);
  for (const step of ["done", "done", "done", "done"]) await act(cast.personnel, step);
  await cast.master.waitFor(/жабылды|закрыто|closed/);
}
