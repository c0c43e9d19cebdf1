import { renderDigest as oldR } from "./old-digest";
import { renderDigest as newR } from "../src/jobs/digest";
import { DEFAULT_CALENDAR } from "../src/rules";
import { textLength } from "../src/cases/fit";
const steps = (key: string, role: string, from: number) => Array.from({ length: 200 }, (_, i) => ({ id: from + i, caseId: 100000 + from + i, institutionId: 1, key, role, dueOn: "2026-01-05", dueKind: "statutory", cite: "cl. 21; cl. 22; D3" })) as never;
const worst = { noHolder: steps("submission", "deputy_upbringing", 1), overdue: steps("submission", "personnel_officer", 1001), today: steps("interview", "deputy_personnel", 2001), soon: steps("endorse", "deputy_personnel", 3001), escalations: steps("military_referral", "deputy_upbringing", 4001) };
for (const lang of ["kk", "ru", "en"]) {
  const now = new Date("2026-03-20T05:00:00Z");
  const o = oldR(lang, worst, "2026-03-20" as never, now, DEFAULT_CALENDAR, new Map(), "AKADEMIYA-01");
  const n = newR(lang, worst, "2026-03-20" as never, now, DEFAULT_CALENDAR, new Map(), "AKADEMIYA-01");
  console.log(lang, "old", o.text.length, textLength(o.text), "new", n.text.length, textLength(n.text));
}
