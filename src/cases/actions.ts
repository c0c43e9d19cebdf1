/**
 * What an official can do on each step: the buttons, and the inputs each action needs. Pure data; the bot
 * draws buttons from it and the engine validates against it.
 */
import { type Ground, headDecisions, type StepKey } from "../rules";

export type StepAction =
  | "agree"
  | "original"
  | "copy_checked"
  | "disagree"
  | "interview"
  | "instruct"
  | "record"
  | "approve"
  | "reject"
  | "sendback"
  | "order"
  | "submission"
  | "letter"
  | "amount"
  | "done";
/** "conscript": personnel confirms or corrects the learner's conscript answer (D11), with two buttons. */
export type InputKind = "date" | "reason" | "note" | "number" | "amount" | "conscript";

export interface ActionDef {
  action: StepAction;
  /** Answers asked in the official's chat, in order. */
  inputs: readonly InputKind[];
  /** Ends the case without going on (a rejection, D6). */
  ends?: "rejected";
  /** D6: the head sends the report back to the learner; the step stays pending, the case stays open. */
  sendsBack?: true;
}

const A = (action: StepAction, inputs: InputKind[] = [], more: Partial<ActionDef> = {}): ActionDef => ({
  action,
  inputs,
  ...more,
});

/** D4: an opinion to the head: "agree", or "disagree" with a written reason. Neither ends nor returns anything. */
const OPINION = [A("agree"), A("disagree", ["reason"])];

const ACTIONS: Partial<Record<StepKey, readonly ActionDef[]>> = {
  endorse: OPINION,
  pre_endorse_1: OPINION,
  pre_endorse_2: OPINION,
  pre_endorse_3: OPINION,
  // Cl. 12, 16: the deputy head's agreement comes before the head; a disagreement (with its reason) goes to
  // the head too: only the head decides (D4, D6).
  agree_academic: OPINION,
  agree_upbringing: OPINION,
  // Cl. 23: personnel records that the original was given, or that a copy was compared with the original.
  verify_decree: [A("original"), A("copy_checked")],
  interview: [A("interview", ["date"])], // cl. 4–5; D5: never waived
  instruct: [A("instruct")], // cl. 20
  conversation: [A("record", ["note", "conscript"])], // cl. 20; D11: the conscript answer confirmed here (ch. 4)
  // cl. 21, 26 (and 15, 18, 24); D11: where not confirmed yet (other chapters), before the order
  order: [A("order", ["number", "date", "conscript"])],
  submission: [A("submission", ["number", "date"])], // cl. 21, 22
  foreign_order: [A("order", ["number", "date", "conscript"])], // cl. 2
  foreign_submission: [A("submission", ["number", "date"])], // cl. 2
  notify_personnel_dept: [A("letter", ["number", "date"])], // cl. 7; D11: the letter's number and date
  cost_calculation: [A("amount", ["amount"])], // cl. 8; D11: the amount
};

const DECISION_ACTIONS: Record<string, ActionDef> = {
  approve: A("approve"),
  reject: A("reject", ["reason"], { ends: "rejected" }), // D6: a rejection needs a reason
  send_back: A("sendback", ["reason"], { sendsBack: true }), // D6: so does sending back
};

export function actionsFor(step: StepKey, ground: Ground): readonly ActionDef[] {
  if (step === "decide") return headDecisions(ground).decisions.map((d) => DECISION_ACTIONS[d]!);
  return ACTIONS[step] ?? [A("done")];
}

export function actionDef(step: StepKey, ground: Ground, action: string): ActionDef | undefined {
  return actionsFor(step, ground).find((a) => a.action === action);
}

/** Steps whose completion records an order on expulsion (cl. 7: the 5-day notification counts from its date, D2). */
export const ORDER_STEPS: ReadonlySet<StepKey> = new Set(["order", "foreign_order"]);
/** Steps that record a personnel document with a number and a date (orders and submissions). */
export const DOCUMENT_STEPS: ReadonlySet<StepKey> = new Set([
  "order",
  "submission",
  "foreign_order",
  "foreign_submission",
]);

export const TEXT_MIN = 3;
export const REASON_MAX = 1000;
