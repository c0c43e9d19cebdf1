import { asc, eq } from "drizzle-orm";
import { auditEvents, cases } from "../db/schema";
import { InputError } from "../errors";
import { type Command, count, csvLine, id, str, writeCsv } from "./io";

const json = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

export const auditCommands: Command[] = [
  {
    name: "audit export",
    args: ["caseId"],
    synopsis: "[--out file.csv]",
    summary: "the audit trail of a case as CSV (ids and states only)",
    details: [
      "Columns: at, action, actor_user_id, actor_official_id, on_behalf_of_official_id, before, after, details.",
    ],
    options: { out: { type: "string" } },
    async run(ctx, a) {
      const caseId = id(a.positionals[0]!, "caseId");
      const db = await ctx.db();
      const [found] = await db.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId));
      if (!found) throw new InputError(`no case ${caseId}`);
      const rows = await db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.caseId, caseId))
        .orderBy(asc(auditEvents.at), asc(auditEvents.id));
      const lines = [
        csvLine([
          "at",
          "action",
          "actor_user_id",
          "actor_official_id",
          "on_behalf_of_official_id",
          "before",
          "after",
          "details",
        ]),
        ...rows.map((r) =>
          csvLine([
            r.at.toISOString(),
            r.action,
            r.actorUserId,
            r.actorOfficialId,
            r.onBehalfOfOfficialId,
            json(r.before),
            json(r.after),
            json(r.details),
          ]),
        ),
      ];
      const out = str(a, "out");
      if (out) {
        await writeCsv(out, lines);
        ctx.out(`case ${caseId}: ${count(rows.length, "audit event")} written to ${out}`);
      } else {
        for (const line of lines) ctx.out(line);
      }
    },
  },
];
