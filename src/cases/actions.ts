/**
 * What an official can do on each step: the buttons, and the free-text inputs each action needs.
 * Pure data; the bot draws buttons from it and the engine validates against it.
 */
import type { StepKey } from "../rules";

export type StepAction =
  | "agree"
  | "interview"
  | "waive"
  | "return"
  | "instruct"
  | "record"
  | "approve"
  | "reject"
  | "order"
  | "submission"
  | "done";
export type InputKind = "date" | "reason" | "note" | "number";

export interface ActionDef {
  action: StepAction;
  /** Free-text answers asked in the official's chat, in order. */
  inputs: readonly InputKind[];
  /** Ends the case without going on (return, reject). */
  ends?: "returned" | "rejected";
}

const A = (action: StepAction, inputs: InputKind[] = [], ends?: ActionDef["ends"]): ActionDef => ({
  action,
  inputs,
  ends,
});

const ACTIONS: Partial<Record<StepKey, readonly ActionDef[]>> = {
  // D4, cl. 4–5: endorse with the interview date, or with a written waiver (D5); or return with a reason.
  endorse: [A("interview", ["date"]), A("waive", ["reason"]), A("return", ["reason"], "returned")],
  // D4: an extra endorser agrees, or returns the report with a reason.
  pre_endorse_1: [A("agree"), A("return", ["reason"], "returned")],
  pre_endorse_2: [A("agree"), A("return", ["reason"], "returned")],
  pre_endorse_3: [A("agree"), A("return", ["reason"], "returned")],
  instruct: [A("instruct")], // cl. 20
  conversation: [A("record", ["note"])], // cl. 20
  decide: [A("approve"), A("reject", ["reason"], "rejected")], // D6: a rejection needs a reason
  order: [A("order", ["number", "date"])], // cl. 21, 26 (and 15, 18, 24)
  submission: [A("submission", ["number", "date"])], // cl. 21, 22
  foreign_order: [A("order", ["number", "date"])], // cl. 2
  foreign_submission: [A("submission", ["number", "date"])], // cl. 2
};

export function actionsFor(step: StepKey): readonly ActionDef[] {
  return ACTIONS[step] ?? [A("done")];
}

export function actionDef(step: StepKey, action: string): ActionDef | undefined {
  return actionsFor(step).find((a) => a.action === action);
}

/** Steps whose completion records the expulsion order (cl. 7: the 5-day notification counts from its date). */
export const ORDER_STEPS: ReadonlySet<StepKey> = new Set([
  "order",
  "submission",
  "foreign_order",
  "foreign_submission",
]);

export const TEXT_MIN = 3;
export const REASON_MAX = 1000;
