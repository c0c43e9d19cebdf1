/**
 * The dashboard's HTTP contract (issue 18): what the Mini App (web/) asks and what the server
 * (src/dashboard/api.ts) answers. Types only, so the front end imports them without pulling server code.
 *
 * Every call carries Telegram's init data: `Authorization: tma <initData>` (the raw query string the
 * Mini App receives). No valid signature or too old: 401. Valid but not allowed (a learner, a stranger, a
 * case of another institution, an HQ call by a non-HQ user): 403 (or 404 for a case: a case of another
 * institution looks exactly like a missing one, as in the bot). Every body is JSON, errors included:
 * `{ error: ErrorCode }`.
 *
 * Routes
 *   GET  /app/                       the Mini App (HTML, JS and CSS served by the program, no CDN)
 *   GET  /api/me                     Me
 *   GET  /api/tasks                  TasksResponse
 *   GET  /api/cases?…                CasesResponse   (query: CaseFilter; page from 1)
 *   GET  /api/cases/:id              CaseDetail
 *   POST /api/cases/:id/send         body SendRequest → { sent: true }: the bot sends the file to the user's chat
 *   GET  /api/stats?institution=ID   Statistics      (an institution's own officials; HQ: any institution)
 *   GET  /api/stats.csv?table=T&institution=ID   text/csv of one StatsTable (UTF-8 with BOM, for Excel)
 *   GET  /api/hq/stats               Statistics over every institution (HQ only): rows carry institutionId
 *
 * Dates are local dates of Asia/Almaty ("YYYY-MM-DD"); every text meant for a person is already in the
 * user's language (the server renders it from locales/), so the front end only lays things out.
 */

export type LocalDateString = string;

export type ErrorCode =
  | "unauthorized" // 401: no init data, a bad signature, or auth_date older than WEBAPP_AUTH_MAX_AGE
  | "forbidden" // 403: signed, but this person may not see this
  | "not_found" // 404: no such case for this person
  | "bad_request" // 400: a malformed filter, page or body
  | "internal"; // 500

/** Who is asking, and the texts the front end needs, in the user's language. */
export interface Me {
  lang: "kk" | "ru" | "en";
  name: string;
  /** null for an HQ viewer who is not an official of an institution. */
  institution: { id: number; name: string } | null;
  roles: string[];
  /** What the menu shows: tasks for every official; cases and statistics per DASHBOARD_ROLES; hq for HQ. */
  can: { tasks: boolean; cases: boolean; stats: boolean; hq: boolean };
  /** Every interface text of the Mini App (locales' `webapp` subtree), in the user's language. */
  strings: Record<string, string>;
  /** Names in the user's language: grounds, categories, case states, steps, roles (from locales/). */
  labels: {
    ground: Record<string, string>;
    category: Record<string, string>;
    state: Record<string, string>;
    step: Record<string, string>;
    role: Record<string, string>;
  };
  /** The institutions an HQ viewer may compare (id, name); empty for everyone else. */
  institutions: { id: number; name: string }[];
}

export interface TaskItem {
  caseId: number;
  stepId: number;
  step: string;
  ground: string;
  category: string;
  /** The learner's name; "—" after the D8 purge. */
  learner: string;
  dueOn: LocalDateString | null;
  dueKind: "statutory" | "target" | null;
  /** E.g. "due Fri 27.03.2026 (cl. 14 of the Rules)" / "overdue by 2 working days (the institution's target)". */
  dueText: string;
  /** Working days past due; 0 when not overdue. */
  overdueDays: number;
}
/** Overdue first (most overdue first), then by due date, then by case number. */
export interface TasksResponse {
  tasks: TaskItem[];
}

export interface CaseFilter {
  ground?: string;
  category?: string;
  state?: string;
  /** "1": only cases with an overdue pending step. */
  overdue?: "1";
  faculty?: string;
  course?: string;
  /** Part of the learner's name or the personal number (case-insensitive). */
  q?: string;
  page?: number;
}

export interface CaseListItem {
  id: number;
  learner: string;
  personalNumber: string;
  faculty: string;
  course: string;
  ground: string;
  category: string;
  state: string;
  registeredOn: LocalDateString;
  /** The first pending step's name, or null when none is pending. */
  currentStep: string | null;
  overdue: boolean;
}

export interface CasesResponse {
  items: CaseListItem[];
  total: number;
  page: number;
  pageSize: number;
  /** The values the faculty and course filters offer (this institution's roster). */
  facets: { faculties: string[]; courses: string[] };
}

export interface TimelineEntry {
  stepId: number;
  step: string;
  role: string;
  state: string;
  openedOn: LocalDateString;
  dueOn: LocalDateString | null;
  dueText: string;
  doneAt: string | null;
  /** Who did it (name and role), and on whose behalf when acting. */
  doneBy: string | null;
  /** An opinion or a result in words (agree / disagree with the reason, the order's number…), or null. */
  result: string | null;
}

export interface CaseDetail {
  id: number;
  learner: string;
  personalNumber: string;
  ground: string;
  category: string;
  state: string;
  registeredOn: LocalDateString;
  /** The stored report (or the official's filing) as every official reads it (D12); null after the purge. */
  report: string | null;
  timeline: TimelineEntry[];
  /** Documents the bot can send (report, interview sheet, draft order, letter, filing…). */
  documents: { key: string; title: string }[];
  attachments: { id: number; title: string; media: string }[];
}

export type SendRequest = { kind: "document"; key: string } | { kind: "attachment"; id: number };

/** The tables behind the charts, each exportable as CSV under its name. */
export type StatsTable = "states" | "step_times" | "on_time" | "overdue" | "monthly";
export const STATS_TABLES: readonly StatsTable[] = ["states", "step_times", "on_time", "overdue", "monthly"];

/**
 * Statistics of one or more institutions as of a day. Purged cases count (D8 keeps their anonymised
 * record). Working days are counted on each institution's own calendar and week.
 */
export interface Statistics {
  asOf: LocalDateString;
  /** Cases by state. */
  states: { institutionId: number; ground: string; category: string; state: string; count: number }[];
  /** Working days from a step's opening to its completion, over steps done. */
  step_times: {
    institutionId: number;
    ground: string;
    category: string;
    step: string;
    done: number;
    medianDays: number;
    p90Days: number;
  }[];
  /** Statutory steps done, and how many of them on or before their due day. share = onTime / done (0..1). */
  on_time: {
    institutionId: number;
    ground: string;
    category: string;
    done: number;
    onTime: number;
    share: number;
  }[];
  /** Pending steps past their due day now. */
  overdue: { institutionId: number; ground: string; category: string; step: string; count: number }[];
  /**
   * Per month ("YYYY-MM") of each event: cases filed (registered) that month, cases that ended that month (the
   * Asia/Almaty date of closed_at), statutory steps done that month and of them those done on time.
   */
  monthly: {
    institutionId: number;
    month: string;
    ground: string;
    category: string;
    filed: number;
    ended: number;
    statutoryDone: number;
    onTime: number;
  }[];
}
