/**
 * D14 "no case waits on nobody": a step whose role has no official in the bot is told at once to the
 * institution's administrators and head, shown in their daily digest until someone can act, and handed to
 * the official who joins late. Written against step roles, not step lists: the chain after a report (which
 * steps open at registration) may change, the roles acting in it do not.
 */
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sendWaitingTasks } from "../../src/cases/no-holder";
import { auditEvents, caseSteps, cases } from "../../src/db/schema";
import { tFor } from "../../src/i18n";
import { sendDigests } from "../../src/jobs/digest";
import {
  addOfficial as addOfficialRecord,
  changeRoles,
  createOfficialInvite,
} from "../../src/people/officials";
import type { Role } from "../../src/rules";
import { addInstitution, addOfficial, addStudent } from "../support/fixtures";
import { fileReport, tap } from "../support/flows";
import { type Harness, newUser, type TgUser, useHarness } from "../support/harness";

const kk = tFor("kk");
const ru = tFor("ru");

/** An official record with roles, not bound to Telegram, and the one-time invite token that binds it. */
async function notJoined(h: Harness, institutionId: number, roles: Role[], name: string) {
  const o = await addOfficialRecord(
    h.db,
    { institutionId, fullName: name, position: roles.join(", "), roles },
    h.clock(),
  );
  const { token } = await createOfficialInvite(h.db, o.id, h.clock());
  return { official: o, token, tg: newUser(name) };
}

async function pendingOf(h: Harness, caseId: number, role: Role) {
  return h.db
    .select()
    .from(caseSteps)
    .where(and(eq(caseSteps.caseId, caseId), eq(caseSteps.role, role), eq(caseSteps.state, "pending")))
    .orderBy(caseSteps.id);
}

async function theCase(h: Harness) {
  const [c] = await h.db.select().from(cases);
  if (!c) throw new Error("no case filed");
  return c;
}

const texts = (h: Harness, tg: TgUser) => h.tg.textsTo(tg.id).join("\n\n");
/** The alerts about a case in a chat: messages that start with the alert's headline in that language. */
const alertsTo = (h: Harness, tg: TgUser, t: typeof kk, caseId: number) => {
  const headline = t("no_holder.alert", { id: caseId, step: "", role: "", todo: "" }).split("</b>")[0]!;
  return h.tg.textsTo(tg.id).filter((x) => x.startsWith(headline));
};

/** Task-button callback data (s:<stepId>:<action>) in every message sent to a chat. */
function taskButtons(h: Harness, tg: TgUser): string[] {
  return h.tg
    .sent("sendMessage", tg.id)
    .flatMap(
      (p) =>
        (p.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
          ?.inline_keyboard ?? [],
    )
    .flat()
    .map((b) => b.callback_data ?? "")
    .filter((d) => d.startsWith("s:"));
}

/**
 * Acts on one of the deputy head's steps through the bot, whatever the chain offers: an opinion "agree"
 * (D4) if the button is there, else the cl. 4 interview with today's date, else the endorsement without an
 * interview with a written reason. Returns the step acted on.
 */
async function deputyActs(h: Harness, deputy: TgUser, today: string): Promise<number> {
  const buttons = taskButtons(h, deputy);
  const answers: [string, string[]][] = [
    ["agree", []],
    ["interview", [today]],
    ["waive", ["Өтеу туралы әңгімелесу бұрын өткізілген."]],
  ];
  for (const [action, inputs] of answers) {
    const data = buttons.find((b) => b.endsWith(`:${action}`));
    if (!data) continue;
    // Issue 14.7: a one-tap action (no inputs) asks to confirm first.
    if (inputs.length === 0) await tap(h, deputy, data);
    else await h.press(deputy, data);
    for (const answer of inputs) await h.text(deputy, answer);
    return Number(data.split(":")[1]);
  }
  throw new Error(`no button the test knows how to answer: ${buttons.join(", ")}`);
}

describe("D14: no case waits on nobody", () => {
  const hr = useHarness(); // Friday 20 March 2026, 09:00 Asia/Almaty: a working day, the reminder hour

  it("a report filed while no deputy head for personnel has joined alerts the admin (ru) and the head (kk) at once", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Әкімші А.А.", "ru");
    const head = await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", "kk");
    const personnel = await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", "kk");
    const deputy = await notJoined(h, inst.id, ["deputy_personnel"], "Орынбасар К.К.");
    const { tg } = await addStudent(h.db, inst.id);

    await fileReport(h, tg, "own_will");
    await h.flush();
    const c = await theCase(h);
    const waiting = await pendingOf(h, c.id, "deputy_personnel");
    expect(waiting.length).toBeGreaterThan(0);

    // Russian, for the administrator: the case, each step waiting, the role, whom to invite and how.
    const toAdmin = texts(h, admin.tg);
    expect(toAdmin).toContain(`Дело № ${c.id}: задачу некому исполнить`);
    expect(toAdmin).toContain("<b>Роль:</b> заместитель начальника, курирующий кадровую работу");
    expect(toAdmin).toContain("ещё не подключилось к боту");
    for (const s of waiting) expect(toAdmin).toContain(`<b>Задача:</b> ${ru(`step.${s.key}`)}`);
    expect(toAdmin).toContain(
      `• Орынбасар К.К. — в боте /invite ${deputy.official.id} или <code>npm run admin -- official invite ${deputy.official.id}</code>`,
    );
    expect(alertsTo(h, admin.tg, ru, c.id)).toHaveLength(waiting.length);

    // Kazakh, for the head (D14: the head is told too, though the step is not his).
    const toHead = texts(h, head.tg);
    expect(toHead).toContain(`№ ${c.id} іс: тапсырманы орындайтын ешкім жоқ`);
    expect(toHead).toContain("<b>Рөл:</b> кадр қызметіне жетекшілік ететін орынбасар");
    expect(toHead).toContain("ботқа әлі қосылмаған");
    for (const s of waiting) expect(toHead).toContain(`<b>Тапсырма:</b> ${kk(`step.${s.key}`)}`);
    expect(toHead).toContain(`ботта /invite ${deputy.official.id}`);

    // Nobody else is bothered; the audit event stays (one per step without a holder).
    expect(texts(h, personnel.tg)).not.toContain("ешкім жоқ");
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.caseId, c.id), eq(auditEvents.action, "step.no_holder")));
    expect(events.map((e) => (e.details as { stepId: number }).stepId).sort()).toEqual(
      expect.arrayContaining(waiting.map((s) => s.id)),
    );
  });

  it("with no head in the bot the administrator is still told; a role nobody holds says how to add one", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Admin A.A.", "en");
    await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.");
    await notJoined(h, inst.id, ["head"], "Бастық Б.Б."); // a record, not joined; no deputy record at all
    const { tg } = await addStudent(h.db, inst.id);

    await fileReport(h, tg, "contract_refusal");
    await h.flush();
    const c = await theCase(h);
    const orphaned = [
      ...(await pendingOf(h, c.id, "deputy_personnel")),
      ...(await pendingOf(h, c.id, "head")),
    ];
    expect(orphaned.length).toBeGreaterThan(0);
    const en = tFor("en");
    // One alert per step waiting on nobody, all to the administrator.
    expect(alertsTo(h, admin.tg, en, c.id)).toHaveLength(orphaned.length);
    const toAdmin = texts(h, admin.tg);
    expect(toAdmin).toContain("Nobody at AKAD holds this role.");
    expect(toAdmin).toContain(
      '<code>npm run admin -- official add AKAD --name "…" --position "…" --roles deputy_personnel</code>',
    );
  });

  it("appears in the admin's and the head's digest every day until someone can act", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Әкімші А.А.", "ru");
    const head = await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", "kk");
    const personnel = await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", "kk");
    const deputy = await notJoined(h, inst.id, ["deputy_personnel"], "Орынбасар К.К.");
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await h.flush();
    const c = await theCase(h);
    const waiting = await pendingOf(h, c.id, "deputy_personnel");

    const digests = (who: TgUser) => h.tg.textsTo(who.id).filter((x) => x.startsWith("<b>📋"));
    const ruHeader = ru("no_holder.digest_header", { count: waiting.length });
    const kkHeader = kk("no_holder.digest_header", { count: waiting.length });

    // Friday 20.03, 09:00: the administrator has nothing else pending and still gets it.
    await sendDigests(h.db, h.clock());
    await h.flush();
    const [a1] = digests(admin.tg);
    expect(a1).toContain(ruHeader);
    expect(a1).toContain(
      `• Дело № ${c.id} · ${ru(`step.${waiting[0]!.key}`)} — заместитель начальника, курирующий кадровую работу`,
    );
    expect(a1).toContain("<code>npm run admin -- institution check AKAD</code>");
    const [h1] = digests(head.tg);
    expect(h1).toContain(kkHeader);
    expect(h1).toContain(`№ ${c.id} іс · ${kk(`step.${waiting[0]!.key}`)}`);
    // The personnel officer is neither head nor administrator.
    expect(digests(personnel.tg).join("\n")).not.toContain("ешкім жоқ");

    // The next working day (Nauryz 21–25.03 off): again, since nobody can act yet.
    h.clock.set("2026-03-26T04:00:00Z");
    await sendDigests(h.db, h.clock());
    await h.flush();
    expect(digests(admin.tg)).toHaveLength(2);
    expect(digests(admin.tg)[1]).toContain(ruHeader);
    expect(digests(head.tg)).toHaveLength(2);
    expect(digests(head.tg)[1]).toContain(kkHeader);

    // The deputy joins; from the next day on the section is gone (and the administrator, with nothing
    // else to report, gets no digest at all).
    await h.command(deputy.tg, "start", deputy.token);
    h.clock.set("2026-03-27T04:00:00Z");
    await sendDigests(h.db, h.clock());
    await h.flush();
    expect(digests(admin.tg)).toHaveLength(2);
    for (const d of digests(head.tg).slice(2)) expect(d).not.toContain(kkHeader);
  });

  it("an administrator whose digest goes out after the others' is not told of roles they hold", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", "kk");
    await addOfficial(h.db, inst.id, ["deputy_personnel"], "Орынбасар К.К.", "kk");
    await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", "kk");
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await sendDigests(h.db, h.clock()); // the three are claimed for today
    // An administrator joins at 10:00: the holders already claimed still count as holders.
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Әкімші А.А.", "ru");
    h.clock.set("2026-03-20T05:00:00Z");
    expect((await sendDigests(h.db, h.clock())).claimed).toBe(1);
    await h.flush();
    expect(h.tg.textsTo(admin.tg.id).join("\n")).not.toContain("Некому исполнить");
  });

  it("a role given later to an official already in the bot brings the tasks waiting for it", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    await addOfficial(h.db, inst.id, ["head"], "Бастық Б.Б.", "kk");
    const officer = await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", "kk");
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await h.flush();
    const c = await theCase(h);
    const waiting = await pendingOf(h, c.id, "deputy_personnel");
    expect(waiting.length).toBeGreaterThan(0);
    expect(taskButtons(h, officer.tg)).toEqual([]);
    await changeRoles(h.db, officer.official.id, { add: ["deputy_personnel"] }, h.clock());
    await h.flush();
    const got = new Set(taskButtons(h, officer.tg).map((d) => Number(d.split(":")[1])));
    expect([...got].sort()).toEqual(waiting.map((s) => s.id).sort());
  });

  it("an official who joins late receives the waiting tasks and can act; the head, joining late, sees his in /inbox", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const admin = await addOfficial(h.db, inst.id, ["admin"], "Әкімші А.А.", "ru");
    await addOfficial(h.db, inst.id, ["personnel_officer"], "Кадровик Д.Д.", "kk");
    const deputy = await notJoined(h, inst.id, ["deputy_personnel"], "Орынбасар К.К.");
    const head = await notJoined(h, inst.id, ["head"], "Бастық Б.Б.");
    const { tg } = await addStudent(h.db, inst.id);
    await fileReport(h, tg, "own_will");
    await h.flush();
    const c = await theCase(h);
    const waiting = await pendingOf(h, c.id, "deputy_personnel");
    expect(waiting.length).toBeGreaterThan(0);
    expect(taskButtons(h, deputy.tg)).toEqual([]);

    // The deputy opens the invite: the bot confirms, and every waiting task of his role arrives with its buttons.
    await h.command(deputy.tg, "start", deputy.token);
    expect(h.tg.textsTo(deputy.tg.id)).toContain(kk("invite.ok_official"));
    await h.flush();
    const got = new Set(taskButtons(h, deputy.tg).map((d) => Number(d.split(":")[1])));
    expect([...got].sort()).toEqual(waiting.map((s) => s.id).sort());
    await h.command(deputy.tg, "inbox");
    expect(h.tg.lastTextTo(deputy.tg.id)).toContain(kk("inbox.header", { count: waiting.length }));

    // …and he can act on it.
    const acted = await deputyActs(h, deputy.tg, "20.03.2026");
    const [done] = await h.db.select().from(caseSteps).where(eq(caseSteps.id, acted));
    expect(done).toMatchObject({ state: "done", doneByOfficialId: deputy.official.id });
    await h.flush();

    // Whatever the head must do next waits on him: the administrator was told of each such step.
    const headSteps = await pendingOf(h, c.id, "head");
    expect(headSteps.length).toBeGreaterThan(0);
    const toAdmin = texts(h, admin.tg);
    expect(toAdmin).toContain("<b>Роль:</b> начальник учебного заведения");
    for (const s of headSteps) expect(toAdmin).toContain(`<b>Задача:</b> ${ru(`step.${s.key}`)}`);

    // The head joins: his waiting tasks arrive, and /inbox (by role) lists them.
    await h.command(head.tg, "start", head.token);
    await h.flush();
    const headGot = taskButtons(h, head.tg).map((d) => Number(d.split(":")[1]));
    expect([...new Set(headGot)].sort()).toEqual(headSteps.map((s) => s.id).sort());
    await h.command(head.tg, "inbox");
    const inbox = h.tg.lastTextTo(head.tg.id);
    expect(inbox).toContain(kk("inbox.header", { count: headSteps.length }));
    expect(inbox).toContain(`№ ${c.id} іс · ${kk(`step.${headSteps[0]!.key}`)}`);
    // Sent once: a second look at the waiting tasks (e.g. a role added again) does not duplicate them.
    const before = h.tg.sent("sendMessage", head.tg.id).length;
    expect(await sendWaitingTasks(h.db, head.official.id, h.clock())).toBe(0);
    await h.flush();
    expect(h.tg.sent("sendMessage", head.tg.id)).toHaveLength(before);
    const late = await h.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "tasks.sent_late"),
          inArray(auditEvents.actorOfficialId, [head.official.id]),
        ),
      );
    expect(late).toHaveLength(1);
  });
});
