/**
 * Every callback-data format the bot writes on a button, in one place: how it is written (`pack`), read back
 * (`unpack`: null for anything else) and matched (`filter`, for grammY's `callbackQuery`). Telegram caps
 * callback data at 64 bytes (test/messages/callbacks.test.ts checks each format at its largest ids).
 *
 * Callback data is a pointer, never trusted (docs/architecture.md): it names a step, a case or a page; who
 * may do what with it is checked again on every press, in src/cases. Ids are at most 9 digits: a press
 * with a longer one matches no filter and is answered as an unknown button.
 */
import { type DocumentLanguage, OFFICIAL_OPENED_GROUNDS, type OfficialOpenedGround } from "../rules";

/** A format with parameters. */
export interface CallbackFormat<A extends unknown[], V> {
  readonly filter: RegExp;
  pack(...args: A): string;
  unpack(data: string | undefined): V | null;
}

const match = (filter: RegExp, data: string | undefined): RegExpExecArray | null =>
  data === undefined ? null : filter.exec(data);

/** "<prefix>:<id>" */
function idFormat(prefix: string, digits = 9): CallbackFormat<[id: number], number> & { prefix: string } {
  const filter = new RegExp(`^${prefix}:(\\d{1,${digits}})$`);
  return {
    prefix,
    filter,
    pack: (id) => `${prefix}:${id}`,
    unpack: (data) => {
      const m = match(filter, data);
      return m ? Number(m[1]) : null;
    },
  };
}

/** "<prefix>:<stepId>:<action>" */
function stepActionFormat(
  prefix: string,
): CallbackFormat<[stepId: number, action: string], { stepId: number; action: string }> & { prefix: string } {
  const filter = new RegExp(`^${prefix}:(\\d{1,9}):([a-z_]{1,12})$`);
  return {
    prefix,
    filter,
    pack: (stepId, action) => `${prefix}:${stepId}:${action}`,
    unpack: (data) => {
      const m = match(filter, data);
      return m ? { stepId: Number(m[1]), action: m[2]! } : null;
    },
  };
}

// ——— Officials ———

/** A task card's action button (s:<stepId>:<action>): one-tap actions ask first, others ask for input. */
export const stepAction = stepActionFormat("s");
/** Issue 14.7: "Confirm" under the question a one-tap action asks (sc:<stepId>:<action>). */
export const stepConfirm = stepActionFormat("sc");
/** "Back" under that question (sb:<stepId>): nothing is recorded. */
export const stepBack = idFormat("sb");
/** A button answer to a step's question (si:<value>), e.g. the conscript confirmation (D11). */
export const stepChoice: CallbackFormat<[value: string], string> & { prefix: string } = {
  prefix: "si",
  filter: /^si:/,
  pack: (value) => `si:${value}`,
  unpack: (data) => (data?.startsWith("si:") ? data.slice(3) : null),
};
/** Opens a case (c:<caseId>): the case's card, timeline and buttons (/case). */
export const openCase = idFormat("c");
/** A case's audit trail (t:<caseId>), for the head and administrators. */
export const caseTrail = idFormat("t");
/** A page of /inbox (ib:<page>). */
export const inboxPage = idFormat("ib", 6);
/** D12: the report and the documents a step needs (d:<stepId>), from a task card. */
export const stepDocuments = idFormat("d");
/** D12: every document a case has so far (dc:<caseId>), from /case. */
export const caseDocuments = idFormat("dc");
/** Issue 16: the files attached to a case (at:<caseId>), re-sent by their Telegram file ids. */
export const caseAttachmentsButton = idFormat("at");

// ——— Learners ———

/** D12: the learner's own report as a file (dr:<caseId>), from /status. */
export const reportDocument = idFormat("dr");
/** D6: "Complete the report" (rs:<caseId>) under the notice that the head sent it back. */
export const completeReport = idFormat("rs");
/** D6: withdraw (w:<caseId>) asks first; yes (wy:<caseId>) withdraws; no ("wn") keeps it. */
export const withdraw = idFormat("w");
export const withdrawYes = idFormat("wy");
export const WITHDRAW_NO = "wn";

// ——— Everyone ———

/** The main menu's buttons (menu:<item>). */
export const MENU = {
  report: "menu:report",
  status: "menu:status",
  inbox: "menu:inbox",
  help: "menu:help",
  lang: "menu:lang",
  /** Issue 16: an official opens a case (ch. 2, ch. 3, cl. 2), like /open. */
  open: "menu:open",
} as const;

/** A language chosen (lang:<code>); the code is checked by the handler (it may be forged). */
export const language: CallbackFormat<[lang: string], string> = {
  filter: /^lang:(\w+)$/,
  pack: (lang) => `lang:${lang}`,
  unpack: (data) => match(language.filter, data)?.[1] ?? null,
};
/** A language chosen under the /start menu (lang:<code>:menu): the menu is shown again in it. */
export const languageInMenu: CallbackFormat<[lang: string], string> = {
  filter: /^lang:(\w+):menu$/,
  pack: (lang) => `lang:${lang}:menu`,
  unpack: (data) => match(languageInMenu.filter, data)?.[1] ?? null,
};

// ——— The report conversation (src/bot/conversations/report.ts) ———

/** The grounds of the report a learner writes in the bot (LEARNER_REPORT_GROUNDS), in the order offered. */
export const REPORT_GROUNDS = ["own_will", "contract_refusal", "citizenship"] as const;
/** The fields the preview can edit; "decree" (ch. 5, cl. 23) only for a citizenship report. */
export const REPORT_FIELDS = ["ground", "decree", "reasons", "conscript", "phone", "lang"] as const;
/**
 * The report wizard's buttons: r:g:<ground>, r:c:yes|no, r:l:kk|ru, r:e:<field>, and the fixed ones
 * (r:d:done and r:d:paper close the ch. 5 Decree question: the files are in, or it is on paper).
 */
export const report = {
  any: /^r:/,
  ground: (ground: (typeof REPORT_GROUNDS)[number]) => `r:g:${ground}`,
  conscript: (served: boolean) => (served ? "r:c:yes" : "r:c:no"),
  lang: (lang: DocumentLanguage) => `r:l:${lang}`,
  edit: (field: (typeof REPORT_FIELDS)[number]) => `r:e:${field}`,
  MORE: "r:more",
  SUBMIT: "r:submit",
  CANCEL: "r:cancel",
  KEEP: "r:keep",
  DISCARD: "r:discard",
  DECREE_DONE: "r:d:done",
  DECREE_PAPER: "r:d:paper",
} as const;

// ——— Opening a case (src/bot/conversations/open-case.ts, issue 16) ———

/** What the preview's edit buttons name (o:e:<field>). */
export const OPEN_FIELDS = ["ground", "learner", "debt", "org", "expelled", "text", "files", "lang"] as const;
export type OpenField = (typeof OPEN_FIELDS)[number];

/** "o:<tag>:<value>" with the value matching `value` (a ground, an attachment kind, a language, a field). */
function openFormat<V extends string>(
  tag: string,
  value: string,
  accept: (v: string) => v is V,
): CallbackFormat<[value: V], V> {
  const filter = new RegExp(`^o:${tag}:(${value})$`);
  return {
    filter,
    pack: (v) => `o:${tag}:${v}`,
    unpack: (data) => {
      const v = match(filter, data)?.[1];
      return v !== undefined && accept(v) ? v : null;
    },
  };
}
const anyWord = (v: string): v is string => v.length > 0;

/**
 * The buttons of the form an official opens a case with: o:g:<ground>, o:l:<studentId> (a learner found),
 * o:p:<kind> (on paper) and o:d:<kind> (done) under an attachment kind's question, o:k:kk|ru (the
 * document's language), o:e:<field> (edit, on the preview), and Submit and Stop. Pointers only: the
 * ground, the learner and the official's right are checked again when the case is opened.
 */
export const openForm = {
  any: /^o:/,
  ground: openFormat("g", "academic_failure|negative_reasons|foreign_org", (v): v is OfficialOpenedGround =>
    OFFICIAL_OPENED_GROUNDS.some((g) => g === v),
  ),
  learner: idFormat("o:l"),
  paper: openFormat("p", "[a-z_]{1,40}", anyWord),
  done: openFormat("d", "[a-z_]{1,40}", anyWord),
  lang: openFormat("k", "kk|ru", (v): v is DocumentLanguage => v === "kk" || v === "ru"),
  edit: openFormat("e", OPEN_FIELDS.join("|"), (v): v is OpenField => OPEN_FIELDS.some((f) => f === v)),
  SUBMIT: "o:submit",
  CANCEL: "o:cancel",
} as const;

// ——— Groups ———

/**
 * Issue 12.6: the buttons that show or change a case answer in a group with "write to me in private"
 * only: c:, t:, s:, ib:, rs:, w:, wy:, the documents' d:, dc:, dr:, the attachments' at:, the menu's inbox,
 * status and report,
 * and "wn".
 */
export const PRIVATE_ONLY_BUTTON = new RegExp(
  `^(?:(?:${[
    openCase,
    caseTrail,
    stepAction,
    inboxPage,
    completeReport,
    withdraw,
    withdrawYes,
    stepDocuments,
    caseDocuments,
    caseAttachmentsButton,
    reportDocument,
  ]
    .map((f) => f.prefix)
    .join("|")}):|menu:(?:inbox|status|report)$|${WITHDRAW_NO}$)`,
);

// ——— Links ———

/** The /start payload of a link to a case (case_<caseId>); Telegram allows 64 characters. */
export const caseStart: CallbackFormat<[caseId: number], number> = {
  filter: /^case_(\d{1,9})$/,
  pack: (caseId) => `case_${caseId}`,
  unpack: (payload) => {
    const m = match(caseStart.filter, payload);
    return m ? Number(m[1]) : null;
  },
};

/** t.me link that opens a case in the bot (issue 14.10). */
export const caseLink = (botUsername: string, caseId: number) =>
  `https://t.me/${botUsername}?start=${caseStart.pack(caseId)}`;
