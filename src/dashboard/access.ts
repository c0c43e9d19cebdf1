/**
 * D16: who sees what of the dashboard. The viewer is who the bot says they are (loadIdentity, read anew on
 * every call, so a revocation takes effect at once), plus the HQ viewers' list.
 *
 * - Learners and people bound to nothing: nothing (403); their case is in the bot's /status.
 * - Every official (an acting delegate too): their own pending steps.
 * - The head, the deputy head for personnel work, the personnel subdivision and the administrator (and
 *   whoever acts for one of them today): the institution's case list, any of its case pages, its statistics.
 * - Any other official: a case page of a case they took part in; no list, no statistics.
 * - A case of another institution does not exist (404), exactly as in the bot.
 * - HQ viewers (the NSC Personnel Department): statistics of every institution, nothing that names a person.
 */
import { audit } from "../audit";
import type { Db } from "../db/client";
import { holdingsOn } from "../people/holders";
import { activeHqViewer } from "../people/hq-viewers";
import { type Identity, loadIdentity, type OfficialEntry } from "../people/identity";
import { type Language, localDateOf, type Role } from "../rules";
import { refuse } from "./http";
import { caseInstitution, tookPart } from "./queries";

/** D16: the roles that see the institution's cases and statistics (own or acting). */
export const DASHBOARD_ROLES: readonly Role[] = Object.freeze([
  "head",
  "deputy_personnel",
  "personnel_officer",
  "admin",
]);

export interface Viewer {
  telegramId: number;
  userId: number | null;
  lang: Language;
  official: OfficialEntry | null;
  /** The roles the official holds today at their institution: their own and those they act in. */
  rolesToday: Role[];
  /** An HQ viewer's entry (D16), or null. */
  hq: { id: number; fullName: string } | null;
}

/**
 * The viewer behind valid init data, or a refusal (403) for a learner or someone bound to nothing. The
 * same identity the bot loads on every update (D10: an unchosen language follows the Telegram app's).
 */
export async function loadViewer(
  db: Db,
  telegramId: number,
  languageCode: string | undefined,
  now: Date,
): Promise<Viewer> {
  // The administrators of ADMIN_TELEGRAM_IDS are not officials of an institution: nothing here is theirs.
  const identity: Identity = await loadIdentity(db, telegramId, [], now, languageCode);
  const hqRow = await activeHqViewer(db, telegramId);
  const hq = hqRow ? { id: hqRow.id, fullName: hqRow.fullName } : null;
  const official = identity.official;
  // A learner sees nothing here, whatever else the account is (their case is in the bot's /status).
  if ((!official && !hq) || (identity.student && !official)) return refuse("forbidden");
  const rolesToday = official
    ? [
        ...new Set(
          (await holdingsOn(db, [official.institutionId], localDateOf(now)))
            .filter((h) => h.officialId === official.id)
            .map((h) => h.role),
        ),
      ]
    : [];
  return { telegramId, userId: identity.userId, lang: identity.lang, official, rolesToday, hq };
}

/** D16: the official sees the institution's case list, every case page and its statistics. */
export const seesInstitution = (v: Viewer): boolean =>
  v.official !== null && v.rolesToday.some((r) => DASHBOARD_ROLES.includes(r));

/** The official behind an institution-wide view (list, statistics), or 403. */
export function requireInstitutionViewer(v: Viewer): OfficialEntry {
  if (!v.official || !seesInstitution(v)) return refuse("forbidden");
  return v.official;
}

/** An official's own tasks: every official; 403 for an HQ viewer who is not one. */
export function requireOfficial(v: Viewer): OfficialEntry {
  return v.official ?? refuse("forbidden");
}

/**
 * D16: may this viewer open this case's page (and have its files sent)? A case that does not exist, or
 * exists at another institution, is 404 (the attempt is audited as in the bot); a case of the viewer's
 * institution that they may not read is 403; an HQ viewer who is not an official of it: 403 (no names).
 */
export async function requireCase(db: Db, v: Viewer, caseId: number, now: Date): Promise<OfficialEntry> {
  const official = v.official;
  if (!official) return refuse("forbidden");
  const institutionId = await caseInstitution(db, caseId);
  if (institutionId !== official.institutionId) {
    await audit(db, {
      at: now,
      action: "case.view_refused",
      actorUserId: v.userId,
      actorOfficialId: official.id,
      details: { caseId, via: "webapp" },
    });
    return refuse("not_found");
  }
  if (seesInstitution(v)) return official;
  if (await tookPart(db, caseId, official, v.telegramId, v.rolesToday)) return official;
  return refuse("forbidden");
}

/**
 * The institutions whose statistics the viewer asks for: `requested` (an id, "all", or none). An
 * institution's viewer: their own (another one: 403). An HQ viewer: any one, or all of them (none given
 * and not an official of one: all).
 */
export function statsScope(
  v: Viewer,
  requested: string | null,
  allIds: readonly number[],
): readonly number[] {
  const own = v.official && seesInstitution(v) ? v.official.institutionId : null;
  if (requested === null || requested === "") {
    if (own !== null) return [own];
    return v.hq ? allIds : refuse("forbidden");
  }
  if (requested === "all") return v.hq ? allIds : refuse("forbidden");
  if (!/^\d{1,9}$/.test(requested)) return refuse("bad_request");
  const id = Number(requested);
  if (id === own) return [id];
  if (!v.hq) return refuse("forbidden");
  return allIds.includes(id) ? [id] : refuse("not_found");
}
