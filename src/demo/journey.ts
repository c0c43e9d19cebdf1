/**
 * The product's whole journey through a Bot API emulator: everyone binds through their invite link, a
 * cadet files an own-will report (ch. 4) and a master's student a contract refusal (ch. 6), and the
 * deputy head, the head and the personnel officer take both to a closed case.
 */
import type TelegramServer from "telegram-test-api";
import type { DocumentLanguage } from "../rules";
import { EmulatorChat } from "./emulator-chat";
import type { ChatEvents } from "./emulator-events";
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
export function castOf(server: TelegramServer, botToken: string, people: DemoPerson[], events?: ChatEvents) {
  const byKey = new Map(people.map((p) => [p.key, p]));
  const person = (k: keyof Cast) => {
    const p = byKey.get(k);
    if (!p) throw new Error(`no seeded ${k}`);
    return p;
  };
  const keys = Object.keys(CAST_IDS) as (keyof Cast)[];
  const cast = Object.fromEntries(
    keys.map((k) => [k, new EmulatorChat(server, botToken, CAST_IDS[k], person(k).name, { events })]),
  ) as unknown as Cast;
  const tokens = Object.fromEntries(keys.map((k) => [k, person(k).token])) as Record<keyof Cast, string>;
  return { cast, tokens };
}

export async function bindAll(cast: Cast, tokens: Record<keyof Cast, string>) {
  for (const key of Object.keys(cast) as (keyof Cast)[]) {
    await cast[key].text(`/start ${tokens[key]}`);
    await cast[key].waitFor("✅");
    await cast[key].waitFor("menu:help"); // the menu follows: the transcript keeps the order
  }
}

export async function fileReport(
  chat: EmulatorChat,
  ground: "own_will" | "contract_refusal",
  reasons: string,
  lang: DocumentLanguage,
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

/** A typed answer, or a press on one of the prompt's buttons (e.g. the conscript confirmation "si:no"). */
type Answer = string | { press: string };

/** Presses a task button (s:<step>:<action>) once it arrives, then answers the prompts that follow. */
async function act(chat: EmulatorChat, action: string, answers: Answer[] = []) {
  await chat.waitForButton(new RegExp(`^s:\\d+:${action}$`));
  await chat.press(new RegExp(`^s:\\d+:${action}$`));
  // Issue 14.7: a one-tap action asks "… — confirm?" first.
  if (answers.length === 0) {
    await chat.waitForButton(new RegExp(`^sc:\\d+:${action}$`));
    await chat.press(new RegExp(`^sc:\\d+:${action}$`));
  }
  for (const a of answers) {
    if (typeof a === "string") {
      await chat.waitFor("/cancel");
      await chat.text(a);
    } else {
      await chat.waitForButton(a.press);
      await chat.press(a.press);
    }
  }
  // One-tap actions are answered with a toast (answerCallbackQuery); answered prompts get a message.
  if (answers.length) await chat.waitFor(/Жазылды|Записано|Recorded|қайтарылды|возвращено|sent back/);
}

/** The personnel subdivision's steps after the order (D11): the cl. 7 letter, the sum, the rest done. */
async function afterOrder(chat: EmulatorChat, today: string, steps: number) {
  await act(chat, "letter", ["7-3/112", today]);
  await act(chat, "amount", ["2 480 000"]);
  for (let i = 0; i < steps - 2; i++) await act(chat, "done");
}

/**
 * Ch. 4, a master's student (kk): the deputy head disagrees with a written reason and holds the interview;
 * both reach the head with the report; the head instructs, personnel holds the cl. 20 conversation and
 * confirms the conscript answer; the head approves; personnel records the order on expulsion and the
 * submission (D7), then the cl. 7 letter and the rest.
 */
export async function walkOwnWill(cast: Cast, today: string) {
  await fileReport(
    cast.master,
    "own_will",
    "Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.",
    "kk",
  );
  await act(cast.deputy, "disagree", ["Оқудың соңғы жылы; оқуды аяқтауға мүмкіндігі бар."]);
  await cast.head.waitFor(/келіспейді|не поддерживает|disagrees/);
  await act(cast.deputy, "interview", [today]);
  await act(cast.head, "instruct");
  await act(cast.personnel, "record", ["Баянаттағы фактілер әңгімеде расталды.", { press: "si:no" }]);
  // The head reads the report as a file too (D12), then decides.
  await cast.head.waitForButton(/^s:\d+:approve$/);
  await cast.head.press(/^d:\d+$/);
  await cast.head.waitFor("📄");
  await act(cast.head, "approve");
  await act(cast.personnel, "submission", ["12/3", today]);
  await act(cast.personnel, "order", ["17-ж", today]);
  await afterOrder(cast.personnel, today, 3); // letter, sum, transcript: no referral, she returns to her unit
  await cast.master.waitFor(/жабылды|закрыто|closed/);
}

/**
 * Ch. 6, a cadet (ru): the head sends the report back to complete the reasons (cl. 25); the cadet completes
 * the same report and re-submits; the head, who cannot reject on the merits, approves; the dismissal order
 * and the steps after it.
 */
export async function walkContractRefusal(cast: Cast, today: string) {
  await fileReport(
    cast.cadet,
    "contract_refusal",
    "Келісімшарттың шарттарымен келіспеймін, себебі отбасым басқа қалада.",
    "ru",
  );
  await act(cast.deputy, "agree");
  await act(cast.deputy, "interview", [today]);
  await act(cast.head, "sendback", ["Укажите подробно причины отказа от контракта (п. 25 Правил)."]);
  await cast.cadet.waitForButton(/^rs:\d+$/);
  await cast.cadet.press(/^rs:\d+$/);
  await cast.cadet.waitFor("r:e:reasons");
  await cast.cadet.press("r:e:reasons");
  await cast.cadet.waitFor(/\d+–\d+/);
  await cast.cadet.text(
    "Келісімшарттың шарттарымен келіспеймін, себебі отбасым басқа қалада: анам науқас, оған күтім қажет, ал қызмет орны Алматыда.",
  );
  await cast.cadet.waitFor("r:submit");
  await cast.cadet.press("r:submit");
  await cast.cadet.waitFor("📨");
  await cast.deputy.waitFor(/2-нұсқа|редакция 2|Version 2/);
  await act(cast.head, "approve");
  await act(cast.personnel, "order", ["18-ж", today, { press: "si:no" }]);
  await afterOrder(cast.personnel, today, 4); // letter, sum, referral, transcript
  await cast.cadet.waitFor(/жабылды|закрыто|closed/);
}
