/**
 * GET /api/tasks: the official's pending steps, as the bot's /inbox lists them (inboxOf: own roles and
 * acting delegations held today), most overdue first, then by due date and case; due dates in words (D3, D13).
 */
import { inboxOf } from "../../cases/queries";
import { dueInWords } from "../../messages/dashboard";
import { loadCalendar } from "../../people/calendar-store";
import { getInstitution } from "../../people/institutions";
import { requireOfficial } from "../access";
import type { TaskItem, TasksResponse } from "../contract";
import { NO_NAME, taskCases } from "../queries";
import type { RouteHandler } from "../route";

export const tasks: RouteHandler = async ({ deps, viewer, now }): Promise<TasksResponse> => {
  const official = requireOfficial(viewer);
  const items = await inboxOf(deps.db, official, now);
  if (items.length === 0) return { tasks: [] };
  const inst = await getInstitution(deps.db, official.institutionId);
  const calendar = await loadCalendar(deps.db, inst?.weekPattern);
  const heads = await taskCases(deps.db, [...new Set(items.map((i) => i.caseId))]);
  const list: TaskItem[] = items.map(({ step, caseId }) => {
    const head = heads.get(caseId);
    const due = dueInWords(viewer.lang, step, now, calendar);
    return {
      caseId,
      stepId: step.id,
      step: step.key,
      ground: head?.ground ?? "",
      category: head?.category ?? "",
      learner: head?.fullName || NO_NAME,
      dueOn: step.dueOn,
      dueKind: step.dueKind,
      dueText: due.text,
      overdueDays: due.overdueDays,
    };
  });
  const dueKey = (d: string | null) => (d ? Date.parse(d) : Number.POSITIVE_INFINITY);
  list.sort(
    (a, b) =>
      b.overdueDays - a.overdueDays ||
      dueKey(a.dueOn) - dueKey(b.dueOn) ||
      a.caseId - b.caseId ||
      a.stepId - b.stepId,
  );
  return { tasks: list };
};
