import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { availableDocuments, buildDocument, DOCUMENT_KINDS } from "../documents/build";
import { docFactsOf } from "../documents/facts";
import { InputError } from "../errors";
import { type Command, id, str } from "./io";

export const documentCommands: Command[] = [
  {
    name: "case documents",
    args: ["caseId"],
    synopsis: "--out <dir> [--lang kk|ru|both]",
    summary:
      "write the documents of a case as DOCX files (report, interview sheet, draft order, cl. 7 letter)",
    details: [
      `Documents: ${DOCUMENT_KINDS.join(", ")} — each one the case has so far (an interview sheet once the interview is recorded, the letter once the order is).`,
      "The report is in the language the learner chose; the others in Kazakh and Russian (--lang to pick one).",
    ],
    options: { out: { type: "string" }, lang: { type: "string" } },
    async run(ctx, a) {
      const caseId = id(a.positionals[0]!, "caseId");
      const out = str(a, "out");
      if (!out) throw new InputError("missing --out <dir>");
      const which = str(a, "lang") ?? "both";
      if (!["kk", "ru", "both"].includes(which))
        throw new InputError(`--lang must be kk, ru or both: ${which}`);
      const db = await ctx.db();
      const facts = await docFactsOf(db, caseId, ctx.now());
      if (!facts) throw new InputError(`no case ${caseId}`);
      const kinds = availableDocuments(facts);
      if (kinds.length === 0)
        throw new InputError(`case ${caseId}: its personal data were purged (D8); no documents`);
      await mkdir(out, { recursive: true });
      const written = new Set<string>();
      for (const kind of kinds) {
        for (const lang of which === "both" ? ["kk", "ru"] : [which]) {
          const doc = await buildDocument(kind, facts, lang);
          if (written.has(doc.fileName)) continue; // the report exists in one language only
          written.add(doc.fileName);
          const file = path.join(out, doc.fileName);
          await writeFile(file, doc.data);
          ctx.out(file);
        }
      }
      ctx.out(`case ${caseId}: ${written.size} documents written to ${out}`);
    },
  },
];
