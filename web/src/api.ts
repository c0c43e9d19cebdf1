/**
 * The dashboard's API as src/dashboard/contract.ts fixes it. Every call carries the init data
 * (`Authorization: tma …`); every failure becomes an ApiError whose code names the text to show.
 */
import type {
  CaseDetail,
  CaseFilter,
  CasesResponse,
  ErrorCode,
  Me,
  SendRequest,
  Statistics,
  StatsTable,
  TasksResponse,
} from "../../src/dashboard/contract";

export type FailureCode = ErrorCode | "network";

export class ApiError extends Error {
  constructor(
    readonly code: FailureCode,
    readonly status: number,
  ) {
    super(`${code} (${status})`);
  }
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
};

/** The API's root, relative to the page (/app/ → /api/), so a path prefix in WEBAPP_URL keeps working. */
export const apiBase = (): URL => new URL("../api/", location.href);

export interface Api {
  me(): Promise<Me>;
  tasks(): Promise<TasksResponse>;
  cases(filter: CaseFilter): Promise<CasesResponse>;
  caseDetail(id: number): Promise<CaseDetail>;
  send(id: number, request: SendRequest): Promise<{ sent: true }>;
  stats(institutionId: number): Promise<Statistics>;
  hqStats(): Promise<Statistics>;
  /** The CSV's address (HQ: "all" institutions): a download carries no header, so the init data rides in `tma=`. */
  csvUrl(table: StatsTable, institution: number | "all"): string;
}

export function createApi(initData: string, base: URL = apiBase()): Api {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, base), {
        ...init,
        headers: {
          Authorization: `tma ${initData}`,
          ...(init.body ? { "Content-Type": "application/json" } : {}),
        },
      });
    } catch {
      throw new ApiError("network", 0);
    }
    if (res.ok) return (await res.json()) as T;
    let code: ErrorCode | undefined;
    try {
      code = ((await res.json()) as { error?: ErrorCode }).error;
    } catch {
      // A proxy's HTML page: the status says enough.
    }
    throw new ApiError(code ?? CODE_BY_STATUS[res.status] ?? "internal", res.status);
  }

  const query = (params: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : "";
  };

  return {
    me: () => call("me"),
    tasks: () => call("tasks"),
    cases: (filter) => call(`cases${query({ ...filter })}`),
    caseDetail: (id) => call(`cases/${id}`),
    send: (id, request) => call(`cases/${id}/send`, { method: "POST", body: JSON.stringify(request) }),
    stats: (institutionId) => call(`stats${query({ institution: institutionId })}`),
    hqStats: () => call("hq/stats"),
    csvUrl: (table, institution) =>
      new URL(`stats.csv${query({ table, institution, tma: initData })}`, base).href,
  };
}
