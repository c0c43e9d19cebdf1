/**
 * GET /api/cases: a page of the institution's cases (D16: the dashboard's roles only), filtered and
 * searched by the learner's name or personal number as filed; "—" for names the D8 purge removed.
 */
import { z } from "zod";
import { CASE_STATES, CATEGORIES, GROUNDS, localDateOf } from "../../rules";
import { requireInstitutionViewer } from "../access";
import type { CaseFilter, CaseListItem, CasesResponse } from "../contract";
import { refuse } from "../http";
import { casePage, NO_NAME, PAGE_SIZE, rosterFacets } from "../queries";
import type { RouteHandler } from "../route";

const text = (max: number) => z.string().trim().min(1).max(max);

/** The query string's filters; an empty value is no filter, an unknown parameter is ignored. */
const filterSchema = z.object({
  ground: z.enum(GROUNDS as [string, ...string[]]).optional(),
  category: z.enum(CATEGORIES as [string, ...string[]]).optional(),
  state: z.enum(CASE_STATES as [string, ...string[]]).optional(),
  overdue: z.literal("1").optional(),
  faculty: text(200).optional(),
  course: text(50).optional(),
  q: text(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});

/** The filters of a query string, or 400. */
export function parseFilter(params: URLSearchParams): CaseFilter {
  const given = Object.fromEntries([...params].filter(([, v]) => v !== ""));
  const parsed = filterSchema.safeParse(given);
  return parsed.success ? (parsed.data as CaseFilter) : refuse("bad_request");
}

export const caseList: RouteHandler = async ({ deps, viewer, url, now }): Promise<CasesResponse> => {
  const official = requireInstitutionViewer(viewer);
  const filter = parseFilter(url.searchParams);
  const { rows, total } = await casePage(deps.db, official.institutionId, filter, localDateOf(now));
  const items: CaseListItem[] = rows.map((r) => ({
    id: r.id,
    learner: (!r.purged && r.fullName) || NO_NAME,
    personalNumber: (!r.purged && r.personalNumber) || NO_NAME,
    faculty: r.faculty ?? "",
    course: r.course ?? "",
    ground: r.ground,
    category: r.category,
    state: r.state,
    registeredOn: r.registeredOn,
    currentStep: r.currentStep,
    overdue: r.overdue,
  }));
  return {
    items,
    total,
    page: filter.page ?? 1,
    pageSize: PAGE_SIZE,
    facets: await rosterFacets(deps.db, official.institutionId),
  };
};
