import { readiness, waitingOnNobody } from "../cases/no-holder";
import { UsageError } from "../errors";
import {
  addInstitution,
  ENDORSER_ROLES,
  type Institution,
  type InstitutionPatch,
  listInstitutions,
  requireInstitution,
  updateInstitution,
} from "../people/institutions";
import { GROUNDS, LEARNER_REPORT_GROUNDS, localDateOf, OFFICIAL_OPENED_GROUNDS } from "../rules";
import { reportRecompute } from "./calendar";
import { type Args, type Command, count, int, list, required, str, table } from "./io";

const week = (a: Args) => {
  const days = list(a, "week");
  return days?.map((d) => int(d, "a day of --week", 1, 7));
};

/** D3: --target-days N, the target in working days of every step without a statutory period. */
const targetDays = (a: Args) => {
  const d = str(a, "target-days");
  return d === undefined ? undefined : int(d, "--target-days", 1, 30);
};

const hour = (a: Args) => {
  const h = str(a, "reminder-hour");
  return h === undefined ? undefined : int(h, "--reminder-hour", 0, 23);
};

/** --endorsers a,b (in order); "" or "none" clears the list. */
const endorsers = (a: Args) => {
  const v = list(a, "endorsers");
  return v?.filter((r) => r !== "none");
};

/** --reimbursement ground=true|false|default, repeatable or comma-separated. */
function reimbursement(a: Args): Record<string, boolean | null> | undefined {
  const items = list(a, "reimbursement");
  if (!items) return undefined;
  const map: Record<string, boolean | null> = {};
  for (const item of items) {
    const m = /^([a-z_]+)=(true|false|yes|no|default)$/.exec(item);
    if (!m)
      throw new UsageError(
        `--reimbursement takes ground=true|false|default (grounds: ${GROUNDS.join(", ")}), not "${item}"`,
      );
    map[m[1]!] = m[2] === "default" ? null : m[2] === "true" || m[2] === "yes";
  }
  return map;
}

const TARGET_DETAILS = [
  "--target-days: the institution's target, in working days from the day a step opened, for every step without",
  "  a statutory period (D3; default 2, 1–30). Cases already filed keep the target they were filed with.",
];

const describe = (i: Institution): string[] => {
  const r = Object.entries(i.reimbursement);
  return [
    `${i.code} (id ${i.id})`,
    `  name: kk: ${i.nameKk} | ru: ${i.nameRu}`,
    `  head's title: kk: ${i.headTitleKk} | ru: ${i.headTitleRu}`,
    `  reminder hour: ${i.reminderHour}:00 Asia/Almaty; working week: ${i.weekPattern.join(",")}`,
    `  target for steps without a statutory period (D3): ${i.targetDays} working day(s)`,
    `  opinions beside deputy_personnel (D4): ${i.endorsers.length > 0 ? i.endorsers.join(", ") : "none"}`,
    `  reimbursement (D5): ${r.length > 0 ? `defaults, except ${r.map(([g, v]) => `${g}=${v}`).join(", ")}` : "defaults"}`,
    `  personnel contact: ${contactLine(i)}`,
  ];
};

/** What a learner who writes outside any flow is told (issue 14.5). */
const contactLine = (i: Institution) =>
  i.personnelContact
    ? i.personnelContact
    : "not set (learners are told to ask at the personnel subdivision in person)";

const CONTACT_DETAILS = [
  "--personnel-contact: how learners reach the personnel subdivision (phone, room, hours), one line, up to",
  '  300 characters; a learner who writes to the bot outside a report is told it. "" clears it (then they',
  "  are told to ask at the personnel subdivision in person).",
];

export const institutionCommands: Command[] = [
  {
    name: "institution add",
    synopsis:
      '--code C --name-kk "…" --name-ru "…" --head-title-kk "…" --head-title-ru "…" [--reminder-hour 9] [--week 1,2,3,4,5] [--target-days 2] [--personnel-contact "…"]',
    summary: "add an educational institution",
    details: [
      'The head\'s titles are the address line of the report ("… бастығына", "Начальнику …").',
      "--reminder-hour: local hour (Asia/Almaty) of the daily digest, 0–23 (default 9).",
      "--week: ISO weekdays that are working days, 1 = Monday … 7 = Sunday (default 1,2,3,4,5; D1).",
      ...TARGET_DETAILS,
      ...CONTACT_DETAILS,
    ],
    options: {
      code: { type: "string" },
      "name-kk": { type: "string" },
      "name-ru": { type: "string" },
      "head-title-kk": { type: "string" },
      "head-title-ru": { type: "string" },
      "reminder-hour": { type: "string" },
      week: { type: "string" },
      "target-days": { type: "string" },
      "personnel-contact": { type: "string" },
    },
    async run(ctx, a) {
      const row = await addInstitution(
        await ctx.db(),
        {
          code: required(a, "code"),
          nameKk: required(a, "name-kk"),
          nameRu: required(a, "name-ru"),
          headTitleKk: required(a, "head-title-kk"),
          headTitleRu: required(a, "head-title-ru"),
          reminderHour: hour(a),
          weekPattern: week(a),
          targetDays: targetDays(a),
          personnelContact: str(a, "personnel-contact"),
        },
        ctx.now(),
        ctx.actor,
      );
      ctx.out(`institution ${row.code} added (id ${row.id})`);
    },
  },
  {
    name: "institution list",
    summary: "list the institutions and their settings",
    async run(ctx) {
      const rows = await listInstitutions(await ctx.db());
      if (rows.length === 0) ctx.out("no institutions yet (see: institution add --help)");
      for (const r of rows) for (const line of describe(r)) ctx.out(line);
    },
  },
  {
    name: "institution set",
    args: ["code"],
    synopsis:
      '[--reminder-hour H] [--week 1,2,3,4,5] [--target-days N] [--endorsers unit_head,…] [--reimbursement ground=true|false|default] [--name-kk …] [--name-ru …] [--head-title-kk …] [--head-title-ru …] [--personnel-contact "…"]',
    summary: "change an institution's settings",
    details: [
      "--week changes the due dates of open steps at once (they are recomputed and their holders told).",
      ...TARGET_DETAILS,
      `--endorsers: roles asked for their opinion to the head on a learner's report, at the same time as the deputy head for personnel (D4): ${ENDORSER_ROLES.join(", ")}; "none" clears.`,
      `--reimbursement: does a ground require reimbursing training costs (D5); grounds: ${GROUNDS.join(", ")}.`,
      '  Repeat it or separate with commas; "default" goes back to the product default.',
      ...CONTACT_DETAILS,
    ],
    options: {
      "reminder-hour": { type: "string" },
      week: { type: "string" },
      "target-days": { type: "string" },
      endorsers: { type: "string" },
      reimbursement: { type: "string", multiple: true },
      "name-kk": { type: "string" },
      "name-ru": { type: "string" },
      "head-title-kk": { type: "string" },
      "head-title-ru": { type: "string" },
      "personnel-contact": { type: "string" },
    },
    async run(ctx, a) {
      const patch: InstitutionPatch = {
        reminderHour: hour(a),
        weekPattern: week(a),
        targetDays: targetDays(a),
        endorsers: endorsers(a),
        reimbursement: reimbursement(a),
        nameKk: str(a, "name-kk"),
        nameRu: str(a, "name-ru"),
        headTitleKk: str(a, "head-title-kk"),
        headTitleRu: str(a, "head-title-ru"),
        personnelContact: str(a, "personnel-contact"),
      };
      if (Object.values(patch).every((v) => v === undefined))
        throw new UsageError("give at least one setting to change");
      const { institution, changed } = await updateInstitution(
        await ctx.db(),
        a.positionals[0]!,
        patch,
        ctx.now(),
        ctx.actor,
      );
      ctx.out(
        changed.length > 0
          ? `institution ${institution.code}: changed ${changed.join(", ")}`
          : `institution ${institution.code}: nothing changed`,
      );
      for (const line of describe(institution).slice(1)) ctx.out(line);
      // D1: the working week counts every open step's working days: a new one moves their due dates.
      if (changed.includes("weekPattern")) await reportRecompute(ctx);
    },
  },
  {
    name: "institution check",
    args: ["code"],
    summary: "check that every role of the procedure has an official in the bot (exit code 1 if not)",
    details: [
      `Roles checked: those of the reports learners file (${LEARNER_REPORT_GROUNDS.join(", ")}), for every category,`,
      "with the institution's endorsers (D4) and reimbursement map (D5), and admin (who invites officials);",
      `and the whole chain of a ground officials open (${OFFICIAL_OPENED_GROUNDS.join(", ")}) once someone has its opening role.`,
      "A role is ready when an active official bound to Telegram holds it today (an acting delegate counts).",
      "Prints each role, who holds it, the official records with the role not bound yet, the personnel contact",
      "learners are told (not a condition of readiness), and the open cases waiting on nobody;",
      'the last line is "ready" (exit code 0) or "not ready: …" (exit code 1).',
    ],
    async run(ctx, a) {
      const db = await ctx.db();
      const inst = await requireInstitution(db, a.positionals[0]!);
      const today = localDateOf(ctx.now());
      const roles = await readiness(db, inst, today);
      ctx.out(`institution ${inst.code}: roles of the procedure on ${today}`);
      const rows = roles.map((r) => {
        const holders =
          r.holders.length === 0
            ? "MISSING"
            : r.holders
                .map(
                  (h) =>
                    `${h.fullName} (${h.officialId})${h.acting ? " acting" : ""}${h.unreachable ? " blocked the bot" : ""}`,
                )
                .join("; ");
        const unbound = r.unbound.map((u) =>
          u.active
            ? `${u.fullName} (${u.officialId}): official invite ${u.officialId}`
            : `${u.fullName} (${u.officialId}, deactivated): official invite ${u.officialId} --reactivate`,
        );
        const next =
          unbound.length > 0
            ? unbound.join("; ")
            : r.holders.length === 0
              ? `nobody has the role: official add ${inst.code} --name "…" --position "…" --roles ${r.role}`
              : "";
        return [r.role, holders, next];
      });
      for (const line of table(["role", "in the bot", "not bound yet / what to do"], rows)) ctx.out(line);
      // Not a condition of readiness: without it learners are sent to the personnel subdivision in person.
      ctx.out(
        inst.personnelContact
          ? `personnel contact for learners: ${inst.personnelContact}`
          : `personnel contact for learners: not set (they are told to ask in person); institution set ${inst.code} --personnel-contact "…"`,
      );
      const waiting = await waitingOnNobody(db, [inst.id], today);
      if (waiting.length > 0) {
        ctx.out(`open cases waiting on nobody: ${count(waiting.length, "step")}`);
        for (const w of waiting) ctx.out(`  case ${w.caseId}: ${w.key} (${w.role})`);
      }
      const missing = roles.filter((r) => r.holders.length === 0).map((r) => r.role);
      if (missing.length === 0) {
        ctx.out("ready");
        return 0;
      }
      ctx.out(
        `not ready: ${count(missing.length, "role")} without an official bound to Telegram: ${missing.join(", ")}`,
      );
      return 1;
    },
  },
];
