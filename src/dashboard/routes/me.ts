/** GET /api/me: who is asking, what the menu shows (D16), and every text the Mini App needs in their language. */
import { webAppLabels, webAppStrings } from "../../messages/dashboard";
import { getInstitution, type Institution, listInstitutions } from "../../people/institutions";
import { seesInstitution } from "../access";
import type { Me } from "../contract";
import { institutionName, type RouteHandler } from "../route";

export const me: RouteHandler = async ({ deps, viewer }): Promise<Me> => {
  const { official, hq, lang } = viewer;
  // D16: only HQ compares institutions; everyone else sees their own.
  const all: Institution[] = hq ? await listInstitutions(deps.db) : [];
  const own = official
    ? (all.find((i) => i.id === official.institutionId) ??
      (await getInstitution(deps.db, official.institutionId)))
    : null;
  const institutionWide = seesInstitution(viewer);
  return {
    lang,
    name: official?.fullName ?? hq?.fullName ?? "",
    institution: own ? { id: own.id, name: institutionName(own, lang) } : null,
    roles: viewer.rolesToday,
    can: { tasks: official !== null, cases: institutionWide, stats: institutionWide, hq: hq !== null },
    strings: webAppStrings(lang),
    labels: webAppLabels(lang),
    institutions: all.map((i) => ({ id: i.id, name: institutionName(i, lang) })),
  };
};
