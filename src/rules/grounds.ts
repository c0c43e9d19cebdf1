// Grounds for expulsion (cl. 2, cl. 3), learner categories, roles, reimbursement (D5) and the rules edition (D9).

/** Every exported rule says where it comes from: a clause of 75/қе ("cl. 21") or a product decision ("D4"). */
export interface Cited {
  cite: string;
}

/** D9: the edition every new case records. Cl. 2 and cl. 7 are in the wording of 88/қе. */
export const RULES_EDITION = "75/қе (04.06.2024) as amended by 88/қе (29.09.2025)";
export const RULES_EDITION_CITE = "D9; cl. 2, 7 as amended by 88/қе";

/**
 * Cl. 3 lists five grounds for expulsion from a ВСУЗ (military, special educational institution); cl. 2
 * (as amended) adds expulsion by a foreign educational organisation, which this product handles as a sixth.
 */
export type Ground =
  | "academic_failure"
  | "negative_reasons"
  | "own_will"
  | "citizenship"
  | "contract_refusal"
  | "foreign_org";

export const GROUNDS: readonly Ground[] = Object.freeze([
  "academic_failure",
  "negative_reasons",
  "own_will",
  "citizenship",
  "contract_refusal",
  "foreign_org",
]);

/**
 * Grounds a learner starts with his own report to the head that he may withdraw and the head may send back
 * (ch. 4 cl. 19, ch. 6 cl. 25; D6).
 */
export const STUDENT_FILED_GROUNDS: readonly Ground[] = Object.freeze(["own_will", "contract_refusal"]);

/**
 * Grounds of a report the learner writes in the bot: ch. 4, ch. 6, and ch. 5 (cl. 23: the learner's report
 * with the Presidential Decree attached; personnel compares a copy with the original). [I] A ch. 5 report
 * rests on a decree already in force: it is neither withdrawn nor sent back (D6), so it is not in
 * STUDENT_FILED_GROUNDS.
 */
export type LearnerReportGround = "own_will" | "contract_refusal" | "citizenship";
export const LEARNER_REPORT_GROUNDS: readonly LearnerReportGround[] = Object.freeze([
  "own_will",
  "contract_refusal",
  "citizenship",
]);
export const isLearnerReportGround = (g: unknown): g is LearnerReportGround =>
  LEARNER_REPORT_GROUNDS.some((x) => x === g);

/** Grounds an official opens a case on, for a learner of his institution (cl. 2, 12, 16). */
export type OfficialOpenedGround = "academic_failure" | "negative_reasons" | "foreign_org";
export const OFFICIAL_OPENED_GROUNDS: readonly OfficialOpenedGround[] = Object.freeze([
  "academic_failure",
  "negative_reasons",
  "foreign_org",
]);
export const isOfficialOpenedGround = (g: unknown): g is OfficialOpenedGround =>
  OFFICIAL_OPENED_GROUNDS.some((x) => x === g);

/**
 * Who opens a case on each of these grounds. Cl. 12, 14: the head of the academic-methods subdivision
 * submits the report on academic failure. Cl. 16: the head of the educational subdivision files the
 * reasoned report ([I] the course or faculty chief, unit_head). Cl. 2: the personnel subdivision records an
 * expulsion by a foreign educational organisation and prepares the order or the submission.
 */
export const OPENING_ROLE: Readonly<Record<OfficialOpenedGround, { role: Role } & Cited>> = Object.freeze({
  academic_failure: { role: "academic_methods_head", cite: "cl. 12, 14" },
  negative_reasons: { role: "unit_head", cite: "cl. 16" },
  foreign_org: { role: "personnel_officer", cite: "cl. 2 (88/қе)" },
});

/** The grounds an official with these roles may open a case on, in OFFICIAL_OPENED_GROUNDS order. */
export function groundsOpenableBy(roles: readonly Role[]): OfficialOpenedGround[] {
  return OFFICIAL_OPENED_GROUNDS.filter((g) => roles.includes(OPENING_ROLE[g].role));
}

/**
 * What must be put before the head with the report, on paper or as files sent to the bot (kind: a
 * DOCUMENT_KEYS key). Cl. 13: the interview sheets since the debt arose and the notifications the learner
 * signed. Cl. 16: the materials of the official investigation. Cl. 23: the Decree, original or copy. Cl. 2:
 * the foreign organisation's document on the expulsion.
 */
export const REQUIRED_ATTACHMENTS: Readonly<Partial<Record<Ground, { kinds: readonly string[] } & Cited>>> =
  Object.freeze({
    academic_failure: { kinds: ["interview_sheets", "debt_notifications"], cite: "cl. 13" },
    negative_reasons: { kinds: ["investigation_materials"], cite: "cl. 16" },
    citizenship: { kinds: ["decree"], cite: "cl. 23" },
    foreign_org: { kinds: ["foreign_expulsion"], cite: "cl. 2 (88/қе)" },
  });

/** One of STUDENT_FILED_GROUNDS: the grounds of the report a learner writes in the bot (cl. 19, 25). */
export type StudentFiledGround = "own_will" | "contract_refusal";
export const isStudentFiledGround = (g: unknown): g is StudentFiledGround =>
  g === "own_will" || g === "contract_refusal";

/** "cadet" covers cadets and listeners (курсант / тыңдаушы); cl. 2, 15, 21 treat them apart from the rest. */
export type Category = "cadet" | "masters" | "doctoral";
export const CATEGORIES: readonly Category[] = Object.freeze(["cadet", "masters", "doctoral"]);

export type Role =
  | "head"
  | "deputy_personnel"
  | "deputy_academic"
  | "deputy_upbringing"
  | "personnel_officer"
  | "academic_methods_head"
  | "unit_head"
  | "admin";

export const ROLES: readonly Role[] = Object.freeze([
  "head",
  "deputy_personnel",
  "deputy_academic",
  "deputy_upbringing",
  "personnel_officer",
  "academic_methods_head",
  "unit_head",
  "admin",
]);

export const isGround = (value: unknown): value is Ground => GROUNDS.some((g) => g === value);
export const isCategory = (value: unknown): value is Category => CATEGORIES.some((c) => c === value);
export const isRole = (value: unknown): value is Role => ROLES.some((r) => r === value);

export interface GroundRule extends Cited {
  ground: Ground;
  /** Item of cl. 3 (1–5); null for the foreign-organisation ground of cl. 2. */
  item: number | null;
  chapter: string;
  /** Whether the learner leaves a ВСУЗ (cl. 3, cl. 6) or a foreign educational organisation (cl. 2). */
  institution: "vsuz" | "foreign";
}

/** Where each ground comes from. */
export const GROUND_RULES: Readonly<Record<Ground, GroundRule>> = Object.freeze({
  academic_failure: {
    ground: "academic_failure",
    item: 1,
    chapter: "ch. 2",
    institution: "vsuz",
    cite: "cl. 3(1); cl. 10–15",
  },
  negative_reasons: {
    ground: "negative_reasons",
    item: 2,
    chapter: "ch. 3",
    institution: "vsuz",
    cite: "cl. 3(2); cl. 16–18",
  },
  own_will: {
    ground: "own_will",
    item: 3,
    chapter: "ch. 4",
    institution: "vsuz",
    cite: "cl. 3(3); cl. 19–22",
  },
  citizenship: {
    ground: "citizenship",
    item: 4,
    chapter: "ch. 5",
    institution: "vsuz",
    cite: "cl. 3(4); cl. 23–24",
  },
  contract_refusal: {
    ground: "contract_refusal",
    item: 5,
    chapter: "ch. 6",
    institution: "vsuz",
    cite: "cl. 3(5); cl. 25–26",
  },
  foreign_org: {
    ground: "foreign_org",
    item: null,
    chapter: "ch. 1 (cl. 2)",
    institution: "foreign",
    cite: "cl. 2 (88/қе)",
  },
});

/**
 * D5: grounds that require reimbursing the state for training costs (cl. 4 interview mandatory, cl. 8 cost
 * calculation). The rules do not list them; these are the product defaults, per institution overridable.
 * [I] Citizenship termination is not a reimbursement ground by default (unknown; docs/decisions.md, D5).
 */
export const DEFAULT_REIMBURSEMENT: Readonly<Record<Ground, boolean>> = Object.freeze({
  academic_failure: true,
  negative_reasons: true,
  own_will: true,
  citizenship: false,
  contract_refusal: true,
  foreign_org: true, // cl. 2: a cost calculation under order 85 қе follows every foreign expulsion
});
export const REIMBURSEMENT_CITE = "D5; cl. 2, 4, 8";

/** D5: does this ground require reimbursement, under the institution's map (falling back to the defaults). */
export function requiresReimbursement(ground: Ground, map?: Partial<Record<Ground, boolean>>): boolean {
  return map?.[ground] ?? DEFAULT_REIMBURSEMENT[ground];
}

/** What happens to the learner's service (D7). */
export type ExpulsionOutcome =
  /** Order on dismissal and exclusion from the personnel lists. */
  | "dismissal"
  /** Submission: release from post, placement at the disposal of the head of the sending unit. */
  | "release_to_sending_unit";

/**
 * D7: cadets are always dismissed. Master's and doctoral students get a submission (release from post, at the
 * disposal of the sending unit) on academic failure (cl. 15), own will (cl. 21–22) and foreign expulsion
 * (cl. 2); on negative reasons (cl. 18), citizenship (cl. 24) and contract refusal (cl. 26) the text orders
 * dismissal for every learner.
 */
export function expulsionOutcome(ground: Ground, category: Category): { outcome: ExpulsionOutcome } & Cited {
  if (category !== "cadet") {
    if (ground === "own_will") return { outcome: "release_to_sending_unit", cite: "cl. 21, 22; D7" };
    if (ground === "academic_failure") return { outcome: "release_to_sending_unit", cite: "cl. 15; D7" };
    if (ground === "foreign_org") return { outcome: "release_to_sending_unit", cite: "cl. 2; D7" };
  }
  const cite: Record<Ground, string> = {
    academic_failure: "cl. 15",
    negative_reasons: "cl. 18",
    own_will: "cl. 21",
    citizenship: "cl. 24",
    contract_refusal: "cl. 26; D7",
    foreign_org: "cl. 2",
  };
  return { outcome: "dismissal", cite: cite[ground] };
}

/**
 * What an order on expulsion cites (D12, the draft order; cl. 7, the letter): the clause of the Rules that
 * orders it, and the article of the Law "On special state bodies of the Republic of Kazakhstan".
 * [I] Ch. 6: Art. 10 p. 11 (those who refuse the contract are subject to expulsion). Ch. 5: Art. 51 p. 10, as
 * cl. 24 says. Elsewhere the Rules' own basis, Art. 10 p. 12 (cl. 1).
 */
export const ORDER_BASIS: Readonly<
  Record<Ground, { clause: number; article: number; paragraph: number } & Cited>
> = Object.freeze({
  academic_failure: { clause: 15, article: 10, paragraph: 12, cite: "cl. 1, 15" },
  negative_reasons: { clause: 18, article: 10, paragraph: 12, cite: "cl. 1, 18" },
  own_will: { clause: 21, article: 10, paragraph: 12, cite: "cl. 1, 21" },
  citizenship: { clause: 24, article: 51, paragraph: 10, cite: "cl. 24" },
  contract_refusal: { clause: 26, article: 10, paragraph: 11, cite: "cl. 26; Law Art. 10 p. 11" },
  foreign_org: { clause: 2, article: 10, paragraph: 12, cite: "cl. 1, 2 (88/қе)" },
});
