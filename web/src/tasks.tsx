/** My tasks: the official's pending steps as the server orders them (overdue first), each opening its case. */
import type { TaskItem } from "../../src/dashboard/contract";
import { useApp } from "./context";
import { Body, useLoad } from "./ui";

export function TasksPage(props: { onOpen: (caseId: number) => void }) {
  const { api, t } = useApp();
  const loaded = useLoad(() => api.tasks(), "tasks");
  return (
    <section class="page" data-page="tasks">
      <Body loaded={loaded} t={t}>
        {(data) =>
          data.tasks.length === 0 ? (
            <p class="empty">{t("tasks_empty")}</p>
          ) : (
            <ul class="cards">
              {data.tasks.map((task) => (
                <TaskCard key={task.stepId} task={task} onOpen={props.onOpen} />
              ))}
            </ul>
          )
        }
      </Body>
    </section>
  );
}

function TaskCard(props: { task: TaskItem; onOpen: (caseId: number) => void }) {
  const { t, label } = useApp();
  const { task } = props;
  const overdue = task.overdueDays > 0;
  return (
    <li>
      <button
        type="button"
        class={`card${overdue ? " overdue" : ""}`}
        data-task={task.stepId}
        onClick={() => props.onOpen(task.caseId)}
      >
        <span class="card-head">
          <span class="case-no">{t("case_no", { id: task.caseId })}</span>
          {overdue && <span class="badge danger">{t("overdue_badge")}</span>}
        </span>
        <span class="card-title">{label("step", task.step)}</span>
        <span class="card-line">{task.learner}</span>
        <span class="card-line muted">
          {label("ground", task.ground)} · {label("category", task.category)}
        </span>
        <span class={`card-line due${overdue ? " danger-text" : ""}`}>{task.dueText}</span>
      </button>
    </li>
  );
}
