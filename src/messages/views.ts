/**
 * What the renderers read of a case: the fields they show, typed as wide as the rows they come from, so that
 * a case's context from src/cases (its rows, workflow and calendar) is passed as it is.
 */
import type { Calendar, CaseState, Workflow } from "../rules";
import type { DueView } from "./format";

export interface StepView extends DueView {
  id: number;
  key: string;
  role: string;
  state: string;
  doneAt: Date | null;
  doneByOfficialId: number | null;
  result: unknown;
}

export interface CaseView {
  id: number;
  ground: string;
  category: string;
  state: CaseState;
  reasons: string | null;
  /** The learner's roster data as it was when the case opened (rank, fullName, groupName, …). */
  studentSnapshot: Readonly<Record<string, string>> | null;
  registeredOn: string;
  outcomeReason: string | null;
  purgedAt: Date | null;
}

export interface CaseViewContext {
  c: CaseView;
  wf: Workflow;
  steps: readonly StepView[];
  calendar: Calendar;
}
