/**
 * Issue 12.2, second half: a database error at submit must not cost the learner's draft (before, 22 of 60
 * learners in one storm lost it: the error escaped the conversation, which the plugin then threw away).
 * The submit runs inside conversation.external and its failure comes back as data: the learner is told
 * ("report.submit_failed"), the preview returns with its Submit button, and Submit, pressed again once the
 * database is back, files the same text. The fault here is real: the table the report is stored in is
 * renamed for the first attempt, so the transaction fails on the server (42P01) and rolls back.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, cases, reportVersions } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { deputyActs, REASONS, stepButton } from "../support/flows";
import { type Harness, useHarness } from "../support/harness";

const kk = tFor("kk");

/** Runs `fn` with the report_versions table missing, then puts it back whatever happens. */
async function withoutReportTable(h: Harness, fn: () => Promise<void>) {
  await h.db.execute(sql.raw("ALTER TABLE report_versions RENAME TO report_versions_away"));
  try {
    await fn();
  } finally {
    await h.db.execute(sql.raw("ALTER TABLE report_versions_away RENAME TO report_versions"));
  }
}

describe("a database error at submit", () => {
  const hr = useHarness();

  for (const when of ["a first report", "a report sent back and completed"] as const) {
    it(`${when}: the draft is kept, the learner is told, Submit again files the same text`, async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      const staff = await addStaff(h.db, inst.id);
      const { tg } = await addStudent(h.db, inst.id);
      const reasons = `${REASONS} Бұл — менің жобам, 2 бөлім.`;
      await h.command(tg, "report");
      await h.press(tg, "r:g:contract_refusal");
      await h.text(tg, reasons);
      await h.press(tg, "r:c:no");
      await h.text(tg, "+7 700 123 45 67");
      await h.press(tg, "r:l:kk");
      if (when === "a report sent back and completed") {
        await h.press(tg, "r:submit");
        // The deputy head gives the opinion and holds the interview; the head sends the report back (D6);
        // the learner opens the completion, pre-filled.
        await deputyActs(h, staff);
        await h.press(staff.head.tg, stepButton(h, staff.head.tg, "sendback"));
        await h.text(staff.head.tg, "Себептерін толығырақ жазыңыз.");
        await h.flush();
        await h.press(tg, "rs:1");
      }
      const preview = h.tg.lastTextTo(tg.id);
      const before = await h.db.select().from(reportVersions);

      await withoutReportTable(h, () => h.press(tg, "r:submit"));
      const [told, again] = h.tg.textsTo(tg.id).slice(-2);
      expect(told).toBe(kk("report.submit_failed"));
      expect(again).toBe(preview); // the same draft, every answer kept
      expect(h.buttonsTo(tg.id)).toContain("r:submit");
      // Nothing half-written: the transaction rolled back.
      expect(await h.db.select().from(reportVersions)).toHaveLength(before.length);
      expect(h.tg.textsTo(tg.id)).not.toContain(kk("errors.internal"));

      await h.press(tg, "r:submit");
      const all = await h.db.select().from(cases);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ reasons, phone: "+7 700 123 45 67", state: "open" });
      expect(await h.db.select().from(reportVersions)).toHaveLength(before.length + 1);
      const receipt = h.tg.lastTextTo(tg.id);
      expect(receipt).toContain(`№ ${all[0]!.id}`);
      const submitted = (await h.db.select().from(auditEvents)).filter((e) =>
        ["case.submitted", "case.resubmitted"].includes(e.action),
      );
      expect(submitted).toHaveLength(when === "a first report" ? 1 : 2);
    });
  }
});
