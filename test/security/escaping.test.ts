/**
 * Issue 12.13: every raw value is escaped exactly once. Before, /case's line with the learner's rank, name
 * and group was not escaped at all (Telegram refused the whole message: "<b>Ivan & Co</b>" is not valid
 * HTML), and officials saw "&lt;" and "&amp;" literally where a value went through i18next twice: a status
 * line's recorded answer (task.done's {{action}}), an audit trail entry made on behalf of someone, and every
 * toast (a callback answer is plain text, so nothing there may be escaped).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit";
import { cases } from "../../src/db/schema";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { fileReport, stepButton } from "../support/flows";
import { useHarness } from "../support/harness";
import { parseTelegramHtml } from "../support/telegram-limits";

const EVIL = "<b>Ivan & Co</b>";
const ONCE = "&lt;b&gt;Ivan &amp; Co&lt;/b&gt;";

function shown(html: string): string {
  const p = parseTelegramHtml(html);
  if ("error" in p) throw new Error(`${p.error}: ${html}`);
  return p.text;
}

describe("escaping exactly once", () => {
  const hr = useHarness();

  async function setup() {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const head = await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.");
    const deputy = await addOfficial(h.db, inst.id, ["deputy_personnel"], EVIL);
    await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.");
    const { tg } = await addStudent(h.db, inst.id, { name: EVIL });
    await fileReport(h, tg, "own_will");
    await h.flush();
    const [c] = await h.db.select().from(cases);
    return { h, inst, head, deputy, c: c! };
  }

  it("/case shows the learner's name line escaped (it was sent raw and refused)", async () => {
    const { h, head, c } = await setup();
    // The snapshot's rank and group may carry markup too.
    await h.db
      .update(cases)
      .set({ studentSnapshot: { ...c.studentSnapshot, rank: "<i>капитан</i>", groupName: "Т&21" } })
      .where(eq(cases.id, c.id));
    await h.command(head.tg, "case", String(c.id));
    const view = h.tg.lastTextTo(head.tg.id);
    expect(view).toContain(`&lt;i&gt;капитан&lt;/i&gt; ${ONCE}`);
    expect(view).toContain("Т&amp;21");
    expect(shown(view)).toContain(`<i>капитан</i> ${EVIL}`);
  });

  it("a status line shows the official's answer and name once escaped; the toast shows them as typed", async () => {
    const { h, deputy } = await setup();
    const disagree = stepButton(h, deputy.tg, "disagree");
    await h.press(deputy.tg, disagree);
    await h.text(deputy.tg, "A & B <i>x</i>");
    await h.flush();
    const status = String(h.tg.sent("editMessageText", deputy.tg.id).at(-1)?.text);
    expect(status).toContain("A &amp; B &lt;i&gt;x&lt;/i&gt;");
    expect(status).toContain(ONCE);
    expect(status).not.toContain("&amp;amp;");
    expect(status).not.toContain("&amp;lt;");
    expect(shown(status)).toContain("A & B <i>x</i>");
    // Pressed again: "already done by <name>", a toast, so plain text.
    await h.press(deputy.tg, disagree);
    const toast = String(h.tg.sent("answerCallbackQuery").at(-1)?.text);
    expect(toast).toContain(EVIL);
    expect(toast).not.toContain("&amp;");
  });

  it("the audit trail names officials once escaped, also on behalf of someone", async () => {
    const { h, inst, head, deputy, c } = await setup();
    await audit(h.db, {
      at: h.clock(),
      action: "step.agree",
      actorOfficialId: deputy.official.id,
      institutionId: inst.id,
      caseId: c.id,
    });
    await audit(h.db, {
      at: h.clock(),
      action: "step.agree",
      actorOfficialId: head.official.id,
      onBehalfOfOfficialId: deputy.official.id,
      institutionId: inst.id,
      caseId: c.id,
    });
    await h.press(head.tg, `t:${c.id}`);
    const trail = h.tg.lastTextTo(head.tg.id);
    const lines = trail.split("\n").filter((l) => l.includes("Ivan"));
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l).toContain(ONCE);
      expect(l).not.toContain("&amp;amp;");
      expect(shown(l)).toContain(EVIL);
    }
  });
});
