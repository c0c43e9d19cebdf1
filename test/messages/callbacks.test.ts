/**
 * The callback-data protocol (src/messages/callbacks.ts): every format fits Telegram's 64 bytes at its
 * largest ids, reads back what it wrote, and refuses what it did not write (forged or foreign data).
 */
import { describe, expect, it } from "vitest";
import { LANGS } from "../../src/i18n";
import * as cb from "../../src/messages/callbacks";
import { OFFICIAL_OPENED_GROUNDS, REQUIRED_ATTACHMENTS } from "../../src/rules";

/** The largest id a format carries (9 digits; an /inbox page has 6). */
const MAX_ID = 999_999_999;
const MAX_PAGE = 999_999;
/** Every action a step button can carry (src/cases/actions.ts), the longest included. */
const ACTIONS = [
  "agree",
  "disagree",
  "interview",
  "instruct",
  "record",
  "approve",
  "reject",
  "sendback",
  "order",
  "submission",
  "letter",
  "amount",
  "done",
];
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Every callback data the bot writes, each at its largest. */
const LARGEST: [string, string][] = [
  ...ACTIONS.map((a): [string, string] => [`stepAction ${a}`, cb.stepAction.pack(MAX_ID, a)]),
  ...ACTIONS.map((a): [string, string] => [`stepConfirm ${a}`, cb.stepConfirm.pack(MAX_ID, a)]),
  ["stepBack", cb.stepBack.pack(MAX_ID)],
  ["stepChoice yes", cb.stepChoice.pack("yes")],
  ["stepChoice no", cb.stepChoice.pack("no")],
  ["openCase", cb.openCase.pack(MAX_ID)],
  ["caseTrail", cb.caseTrail.pack(MAX_ID)],
  ["inboxPage", cb.inboxPage.pack(MAX_PAGE)],
  ["stepDocuments", cb.stepDocuments.pack(MAX_ID)],
  ["caseDocuments", cb.caseDocuments.pack(MAX_ID)],
  ["reportDocument", cb.reportDocument.pack(MAX_ID)],
  ["completeReport", cb.completeReport.pack(MAX_ID)],
  ["withdraw", cb.withdraw.pack(MAX_ID)],
  ["withdrawYes", cb.withdrawYes.pack(MAX_ID)],
  ["WITHDRAW_NO", cb.WITHDRAW_NO],
  ...Object.entries(cb.MENU).map(([k, v]): [string, string] => [`MENU.${k}`, v]),
  ...LANGS.map((l): [string, string] => [`language ${l}`, cb.language.pack(l)]),
  ...LANGS.map((l): [string, string] => [`languageInMenu ${l}`, cb.languageInMenu.pack(l)]),
  ...cb.REPORT_GROUNDS.map((g): [string, string] => [`report.ground ${g}`, cb.report.ground(g)]),
  ["report.conscript yes", cb.report.conscript(true)],
  ["report.conscript no", cb.report.conscript(false)],
  ["report.lang kk", cb.report.lang("kk")],
  ["report.lang ru", cb.report.lang("ru")],
  ...cb.REPORT_FIELDS.map((f): [string, string] => [`report.edit ${f}`, cb.report.edit(f)]),
  ["report.MORE", cb.report.MORE],
  ["report.SUBMIT", cb.report.SUBMIT],
  ["report.CANCEL", cb.report.CANCEL],
  ["report.KEEP", cb.report.KEEP],
  ["report.DISCARD", cb.report.DISCARD],
  ["report.DECREE_DONE", cb.report.DECREE_DONE],
  ["report.DECREE_PAPER", cb.report.DECREE_PAPER],
  // Not a callback, but the same limit: a /start payload is at most 64 characters.
  ["caseStart", cb.caseStart.pack(MAX_ID)],
];

describe("callback data fits Telegram's 64 bytes", () => {
  it.each(LARGEST)("%s: %s", (_name, data) => {
    expect(bytes(data)).toBeGreaterThan(0);
    expect(bytes(data)).toBeLessThanOrEqual(64);
  });

  it("no two formats write the same data", () => {
    const all = LARGEST.map(([, d]) => d);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("pack and unpack", () => {
  it("a step's action button reads back its step and action, at the largest id and the longest action", () => {
    for (const a of ACTIONS) {
      const data = cb.stepAction.pack(MAX_ID, a);
      expect(data).toBe(`s:${MAX_ID}:${a}`);
      expect(cb.stepAction.filter.test(data)).toBe(true);
      expect(cb.stepAction.unpack(data)).toEqual({ stepId: MAX_ID, action: a });
      expect(cb.stepConfirm.unpack(cb.stepConfirm.pack(MAX_ID, a))).toEqual({ stepId: MAX_ID, action: a });
    }
  });

  it("id formats read back their id; each refuses the others' data", () => {
    const formats = {
      stepBack: cb.stepBack,
      openCase: cb.openCase,
      caseTrail: cb.caseTrail,
      stepDocuments: cb.stepDocuments,
      caseDocuments: cb.caseDocuments,
      reportDocument: cb.reportDocument,
      completeReport: cb.completeReport,
      withdraw: cb.withdraw,
      withdrawYes: cb.withdrawYes,
    };
    for (const [name, f] of Object.entries(formats)) {
      for (const id of [1, 42, MAX_ID]) expect(f.unpack(f.pack(id)), name).toBe(id);
      for (const [other, g] of Object.entries(formats))
        if (other !== name) expect(f.unpack(g.pack(7)), `${name} read ${other}`).toBeNull();
    }
    expect(cb.inboxPage.unpack(cb.inboxPage.pack(MAX_PAGE))).toBe(MAX_PAGE);
  });

  it("refuses forged data: more digits than an id has, signs, extra text, nothing at all", () => {
    expect(cb.openCase.unpack(`c:${MAX_ID}0`)).toBeNull();
    expect(cb.openCase.unpack("c:-1")).toBeNull();
    expect(cb.openCase.unpack("c:1 ")).toBeNull();
    expect(cb.openCase.unpack("c:")).toBeNull();
    expect(cb.openCase.unpack(undefined)).toBeNull();
    expect(cb.inboxPage.unpack("ib:1000000")).toBeNull();
    expect(cb.stepAction.unpack("s:1:DROP TABLE")).toBeNull();
    expect(cb.stepAction.unpack("s:1:abcdefghijklm")).toBeNull(); // 13 letters: no action is that long
    expect(cb.stepAction.unpack("sc:1:agree")).toBeNull();
    expect(cb.stepConfirm.unpack("s:1:agree")).toBeNull();
    expect(cb.caseStart.unpack("case_1x")).toBeNull();
  });

  it("languages: the code is read back as written (the handler checks it is one of ours)", () => {
    for (const l of LANGS) {
      expect(cb.language.unpack(cb.language.pack(l))).toBe(l);
      expect(cb.languageInMenu.unpack(cb.languageInMenu.pack(l))).toBe(l);
      // The two are told apart: the /start menu's choice is not the /lang one, nor the other way round.
      expect(cb.language.unpack(cb.languageInMenu.pack(l))).toBeNull();
      expect(cb.languageInMenu.unpack(cb.language.pack(l))).toBeNull();
    }
    expect(cb.language.unpack("lang:xx")).toBe("xx");
  });

  it("a step's question answered with a button reads back its value", () => {
    expect(cb.stepChoice.unpack(cb.stepChoice.pack("yes"))).toBe("yes");
    expect(cb.stepChoice.unpack("s:1:agree")).toBeNull();
    expect(cb.stepChoice.unpack(undefined)).toBeNull();
  });

  it("the report wizard's buttons all start with r:", () => {
    const wizard = LARGEST.filter(([name]) => name.startsWith("report.")).map(([, d]) => d);
    expect(wizard.length).toBeGreaterThan(10);
    for (const d of wizard) expect(cb.report.any.test(d)).toBe(true);
    expect(cb.report.ground("own_will")).toBe("r:g:own_will");
    expect(cb.report.edit("phone")).toBe("r:e:phone");
  });

  it("a link to a case carries case_<id> as its /start payload", () => {
    expect(cb.caseLink("akad_bot", MAX_ID)).toBe(`https://t.me/akad_bot?start=case_${MAX_ID}`);
    expect(cb.caseStart.unpack(cb.caseStart.pack(MAX_ID))).toBe(MAX_ID);
  });
});

describe("buttons that answer only in private chats (issue 12.6)", () => {
  it("match every button that shows or changes a case, and no other", () => {
    const personal = [
      cb.openCase.pack(1),
      cb.caseTrail.pack(1),
      cb.stepAction.pack(1, "agree"),
      cb.inboxPage.pack(1),
      cb.completeReport.pack(1),
      cb.withdraw.pack(1),
      cb.withdrawYes.pack(1),
      cb.WITHDRAW_NO,
      cb.stepDocuments.pack(1),
      cb.caseDocuments.pack(1),
      cb.caseAttachmentsButton.pack(1),
      cb.reportDocument.pack(1),
      cb.MENU.inbox,
      cb.MENU.status,
      cb.MENU.report,
    ];
    for (const d of personal) expect(cb.PRIVATE_ONLY_BUTTON.test(d), d).toBe(true);
    const harmless = [cb.MENU.help, cb.MENU.lang, cb.language.pack("kk"), cb.languageInMenu.pack("ru")];
    for (const d of harmless) expect(cb.PRIVATE_ONLY_BUTTON.test(d), d).toBe(false);
  });

  it("is the pattern it replaced", () => {
    expect(cb.PRIVATE_ONLY_BUTTON.source).toBe(
      "^(?:(?:c|t|s|ib|rs|w|wy|d|dc|at|dr):|menu:(?:inbox|status|report)$|wn$)",
    );
  });
});

describe("the buttons of the form that opens a case (issue 16)", () => {
  const KINDS = OFFICIAL_OPENED_GROUNDS.flatMap((g) => REQUIRED_ATTACHMENTS[g]?.kinds ?? []);
  const OPEN: [string, string][] = [
    ...OFFICIAL_OPENED_GROUNDS.map((g): [string, string] => [
      `openForm.ground ${g}`,
      cb.openForm.ground.pack(g),
    ]),
    ["openForm.learner", cb.openForm.learner.pack(MAX_ID)],
    ...KINDS.map((k): [string, string] => [`openForm.paper ${k}`, cb.openForm.paper.pack(k)]),
    ...KINDS.map((k): [string, string] => [`openForm.done ${k}`, cb.openForm.done.pack(k)]),
    ["openForm.lang kk", cb.openForm.lang.pack("kk")],
    ["openForm.lang ru", cb.openForm.lang.pack("ru")],
    ...cb.OPEN_FIELDS.map((f): [string, string] => [`openForm.edit ${f}`, cb.openForm.edit.pack(f)]),
    ["openForm.SUBMIT", cb.openForm.SUBMIT],
    ["openForm.CANCEL", cb.openForm.CANCEL],
  ];

  it.each(OPEN)("%s: %s fits 64 bytes", (_name, data) => {
    expect(bytes(data)).toBeGreaterThan(0);
    expect(bytes(data)).toBeLessThanOrEqual(64);
  });

  it("writes data no other format writes, all starting with o: (the menu's button is menu:open)", () => {
    const all = [...LARGEST, ...OPEN].map(([, d]) => d);
    expect(new Set(all).size).toBe(all.length);
    expect(cb.MENU.open).toBe("menu:open");
    for (const [name, d] of OPEN) expect(cb.openForm.any.test(d), name).toBe(true);
    for (const [name, d] of LARGEST) expect(cb.openForm.any.test(d), name).toBe(false);
  });

  it("reads back what it wrote, and only that", () => {
    for (const g of OFFICIAL_OPENED_GROUNDS)
      expect(cb.openForm.ground.unpack(cb.openForm.ground.pack(g))).toBe(g);
    expect(cb.openForm.learner.unpack(cb.openForm.learner.pack(MAX_ID))).toBe(MAX_ID);
    for (const k of KINDS) {
      expect(cb.openForm.paper.unpack(cb.openForm.paper.pack(k))).toBe(k);
      expect(cb.openForm.done.unpack(cb.openForm.done.pack(k))).toBe(k);
      // "On paper" is not "Done", nor the other way round.
      expect(cb.openForm.done.unpack(cb.openForm.paper.pack(k))).toBeNull();
    }
    expect(cb.openForm.lang.unpack("o:k:ru")).toBe("ru");
    for (const f of cb.OPEN_FIELDS) expect(cb.openForm.edit.unpack(cb.openForm.edit.pack(f))).toBe(f);
    // Forged or foreign: another ground, a language no document is written in, a field that is not one,
    // a longer id, another format's data.
    for (const forged of ["o:g:own_will", "o:g:citizenship", "o:k:en", "o:e:phone", "o:p:", "o:p:A-1"])
      for (const f of [cb.openForm.ground, cb.openForm.lang, cb.openForm.edit, cb.openForm.paper])
        expect(f.unpack(forged), forged).toBeNull();
    expect(cb.openForm.learner.unpack(`o:l:${MAX_ID}0`)).toBeNull();
    expect(cb.openForm.learner.unpack("c:5")).toBeNull();
    expect(cb.openCase.unpack(cb.openForm.learner.pack(5))).toBeNull();
    expect(cb.openForm.ground.unpack(undefined)).toBeNull();
  });
});
