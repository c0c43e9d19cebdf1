/**
 * The product's whole journey through a Bot API emulator: everyone binds through their invite link, a
 * cadet files an own-will report (ch. 4) and a master's student a contract refusal (ch. 6), and the
 * deputy head, the head and the personnel officer take both to a closed case. Issue 16: a cadet whose
 * citizenship ended files ch. 5 with the Decree, and officials open ch. 2, ch. 3 and cl. 2 cases with
 * /open; each reaches a closed case.
 */
import type TelegramServer from "telegram-test-api";
import type { DocumentLanguage } from "../rules";
import { EmulatorChat } from "./emulator-chat";
import type { ChatEvents } from "./emulator-events";
import type { DemoPerson } from "./seed";

export interface Cast {
  cadet: EmulatorChat;
  master: EmulatorChat;
  citizen: EmulatorChat;
  deputy: EmulatorChat;
  head: EmulatorChat;
  personnel: EmulatorChat;
  methods: EmulatorChat;
  academic: EmulatorChat;
  upbringing: EmulatorChat;
  unit: EmulatorChat;
}

/**
 * Telegram user ids of the demo cast (who binds and chats). The learners cases are opened on (debtor,
 * offender, abroad) are on the roster only.
 */
const CAST_IDS: Record<keyof Cast, number> = {
  cadet: 1001,
  master: 1002,
  citizen: 1003,
  deputy: 2001,
  head: 2002,
  personnel: 2003,
  methods: 2004,
  academic: 2005,
  upbringing: 2006,
  unit: 2007,
};

/** The Telegram app's language of those who use the bot in Russian (the rest: Kazakh, the default). */
const CAST_LANGS: Partial<Record<keyof Cast, string>> = { citizen: "ru", unit: "ru" };

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
    keys.map((k) => [
      k,
      new EmulatorChat(server, botToken, CAST_IDS[k], person(k).name, {
        events,
        languageCode: CAST_LANGS[k],
      }),
    ]),
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

/** A typed answer once the question matching `prompt` has come. */
async function answer(chat: EmulatorChat, prompt: RegExp | string, text: string) {
  await chat.waitFor(prompt);
  await chat.text(text);
}

const DATE_PROMPT = /КК\.АА\.ЖЖЖЖ|ДД\.ММ\.ГГГГ|DD\.MM\.YYYY/;
const TEXT_PROMPT = /\d+–\d+/;

/**
 * Issue 16: an official opens a case with /open: finds the learner by personal number, answers the
 * ground's questions, hands the attachments in on paper (pages per kind), checks the preview and submits.
 */
async function openCaseFor(
  chat: EmulatorChat,
  personalNumber: string,
  answers: [prompt: RegExp, text: string][],
  paper: [kind: string, pages: number][],
) {
  await chat.text("/open");
  await answer(chat, /жеке нөмір|личный номер|personal number/, personalNumber);
  await chat.waitForButton(/^o:l:\d+$/);
  await chat.press(/^o:l:\d+$/);
  for (const [prompt, text] of answers) await answer(chat, prompt, text);
  for (const [kind, pages] of paper) {
    await chat.waitForButton(`o:p:${kind}`);
    await chat.press(`o:p:${kind}`);
    await answer(chat, /\?/, String(pages));
    await chat.waitForButton(`o:d:${kind}`);
    await chat.press(`o:d:${kind}`);
  }
  await chat.waitForButton("o:submit");
  await chat.press("o:submit");
  await chat.waitFor(/№ \d+ іс ашылды|Дело № \d+ открыто|Case No\. \d+ is opened/);
}

/**
 * Ch. 5, a cadet (ru): the report with a photo of the Presidential Decree (cl. 23); the deputy head agrees;
 * personnel records that the copy was compared with the original; the head approves (approve or reject
 * only); personnel records the head's order (cl. 24), the cl. 7 letter and the transcript. No referral,
 * no cost calculation (D5, D11).
 */
export async function walkCitizenship(cast: Cast, today: string) {
  const chat = cast.citizen;
  await chat.text("/report");
  await chat.waitForButton("r:g:citizenship");
  await chat.press("r:g:citizenship");
  await chat.waitForButton("r:d:paper");
  await chat.photo("decree-page-1");
  await chat.waitForButton("r:d:done");
  await chat.press("r:d:done");
  await answer(
    chat,
    TEXT_PROMPT,
    "Указ Президента Республики Казахстан от 02.03.2026 № 512 о прекращении гражданства; выезжаю на постоянное жительство к семье.",
  );
  // D11: the conscript question is only asked where a referral can follow.
  const next = await chat.waitFor(/r:c:no|\+7 700 123 45 67/);
  if (next.buttons.some((b) => b.data === "r:c:no")) {
    await chat.press("r:c:no");
    await chat.waitFor("+7 700 123 45 67");
  }
  await chat.text("+7 702 111 22 33");
  await chat.waitForButton("r:l:ru");
  await chat.press("r:l:ru");
  await chat.waitForButton("r:submit");
  await chat.press("r:submit");
  await chat.waitFor("📨");
  await act(cast.deputy, "agree");
  await act(cast.personnel, "copy_checked");
  await act(cast.head, "approve");
  await act(cast.personnel, "order", ["21-ж", today]);
  await act(cast.personnel, "letter", ["7-3/115", today]);
  await act(cast.personnel, "done"); // the transcript
  await chat.waitFor(/жабылды|закрыто|closed/);
}

/**
 * Ch. 2 (kk): the academic-methods head opens the case on a cadet whose debt-clearing period ended today,
 * with the interview sheets and the signed notifications on paper (cl. 13); the deputy head for academic
 * work agrees (cl. 12); the cl. 4 interview; the head approves; the cl. 15 order and the steps after it.
 */
export async function walkAcademicFailure(cast: Cast, today: string) {
  await openCaseFor(
    cast.methods,
    "K-0004",
    [
      [DATE_PROMPT, today],
      [TEXT_PROMPT, "Жоғары математика: емтихан екі рет тапсырылмады; берешек мерзімінде жойылмады."],
    ],
    [
      ["interview_sheets", 4],
      ["debt_notifications", 2],
    ],
  );
  await act(cast.academic, "agree");
  await act(cast.deputy, "interview", [today]);
  await act(cast.head, "approve");
  await act(cast.personnel, "order", ["19-ж", today, { press: "si:no" }]);
  await afterOrder(cast.personnel, today, 4); // letter, sum, referral, transcript
}

/**
 * Ch. 3 (ru): the course chief files the reasoned report with the investigation materials on paper
 * (cl. 16); the deputy head for upbringing work agrees; the interview; the head approves; the cl. 18 order
 * (2 WD) and the steps after it.
 */
export async function walkNegativeReasons(cast: Cast, today: string) {
  await openCaseFor(
    cast.unit,
    "K-0005",
    [
      [
        TEXT_PROMPT,
        "По итогам служебного расследования установлено грубое нарушение воинской дисциплины: самовольное оставление расположения 14–16 марта.",
      ],
    ],
    [["investigation_materials", 12]],
  );
  await act(cast.upbringing, "agree");
  await act(cast.deputy, "interview", [today]);
  await act(cast.head, "approve");
  await act(cast.personnel, "order", ["20-ж", today, { press: "si:no" }]);
  await afterOrder(cast.personnel, today, 4); // letter, sum, referral, transcript
}

/**
 * Cl. 2 (kk): personnel records that a foreign educational organisation expelled a doctoral student, with
 * its order on paper; the interview; the order on expulsion and the submission on release from post (D7),
 * the cl. 7 letter and the cost calculation (no transcript, no referral).
 */
export async function walkForeignOrg(cast: Cast, today: string) {
  await openCaseFor(
    cast.personnel,
    "D-0006",
    [
      [TEXT_PROMPT, "Ресей Федерациясы ФҚҚ Академиясы"],
      [DATE_PROMPT, today],
      [TEXT_PROMPT, "Академия бастығының 2026 жылғы № 45 бұйрығы"],
    ],
    [["foreign_expulsion", 2]],
  );
  await act(cast.deputy, "interview", [today]);
  await act(cast.personnel, "order", ["22-ж", today, { press: "si:no" }]);
  await act(cast.personnel, "submission", ["13/4", today]);
  await afterOrder(cast.personnel, today, 2); // letter, sum
}
