/**
 * Two institutions with their people and cases, for the dashboard's API tests. Institution A ("AKAD"):
 * the head, the deputy head for personnel work, the personnel officer, the deputy head for academic work
 * (no dashboard role), the academic-methods head; learners with cases:
 *   1 own will, filed 02.03 (its pending steps are overdue on 20.03), the deputy's opinion given;
 *   2 contract refusal, filed 20.03, in Kazakh;
 *   3 citizenship, with the Decree as a photo and on paper;
 *   4 academic failure, opened by the academic-methods head, awaiting the deputy head for academic work;
 *   5 own will, withdrawn and purged (D8);
 *   6–25 own will, filed 20.03 (paging).
 * Institution B ("SHEK"): a head and one learner's case (26).
 */
import { eq, inArray } from "drizzle-orm";
import { act } from "../../../src/cases/act";
import { openCase } from "../../../src/cases/open";
import { submitReport } from "../../../src/cases/submit";
import type { Db } from "../../../src/db/client";
import { caseSteps, cases, institutions, students } from "../../../src/db/schema";
import { addInstitution, addOfficial, addStudent } from "../../support/fixtures";
import { REASONS } from "../../support/flows";

const at = (local: string) => new Date(`${local}+05:00`);

async function learner(
  db: Db,
  institutionId: number,
  name: string,
  personalNumber: string,
  faculty: string,
  course: string,
  lang: "kk" | "ru" = "ru",
) {
  const s = await addStudent(db, institutionId, { name, personalNumber, lang });
  await db.update(students).set({ faculty, course }).where(eq(students.id, s.student.id));
  return s;
}

async function file(
  db: Db,
  userId: number,
  ground: "own_will" | "contract_refusal",
  when: string,
  lang: "kk" | "ru" = "ru",
) {
  const r = await submitReport(
    db,
    { userId, ground, reasons: REASONS, conscriptServed: false, phone: "+77001234567", reportLang: lang },
    at(when),
  );
  if (!r.ok) throw new Error(`submit failed: ${r.reason}`);
  return r.caseId;
}

export async function seedDashboard(db: Db) {
  const a = await addInstitution(db, "AKAD");
  const b = await addInstitution(db, "SHEK");
  await db
    .update(institutions)
    .set({ nameKk: "ҰҚК Шекара академиясы", nameRu: "Пограничная академия КНБ" })
    .where(eq(institutions.id, b.id));
  const head = await addOfficial(db, a.id, ["head"], "Бастық Б.Б.", "ru");
  const deputy = await addOfficial(db, a.id, ["deputy_personnel"], "Орынбасар К.К.", "ru");
  const personnel = await addOfficial(db, a.id, ["personnel_officer"], "Кадровик Д.Д.", "en");
  const academic = await addOfficial(db, a.id, ["deputy_academic"], "Академик А.А.", "ru");
  const methods = await addOfficial(db, a.id, ["academic_methods_head"], "Методист М.М.", "ru");
  const headB = await addOfficial(db, b.id, ["head"], "Шекара Ш.Ш.", "kk");

  const ivanov = await learner(db, a.id, "Иванов Иван Иванович", "AK-0001", "Заң", "1");
  const petrov = await learner(db, a.id, "Петров Пётр Петрович", "AK-0002", "Тергеу", "2", "kk");
  const sidorov = await learner(db, a.id, "Сидоров Сидор", "AK-0003", "Тергеу", "3");
  const failing = await learner(db, a.id, "Ахметов Ахмет", "AK-0004", "Заң", "2");
  const gone = await learner(db, a.id, "Жоғалған Жан", "AK-0005", "Заң", "4");

  const c1 = await file(db, ivanov.user.id, "own_will", "2026-03-02T09:00:00");
  // The deputy's opinion (D4): the timeline shows who, when and what.
  const [endorse] = await db
    .select()
    .from(caseSteps)
    .where(eq(caseSteps.caseId, c1))
    .then((rows) => rows.filter((s) => s.key === "endorse"));
  const agreed = await act(
    db,
    {
      stepId: endorse!.id,
      action: "agree",
      actor: { userId: deputy.user.id, officialId: deputy.official.id },
    },
    at("2026-03-03T10:00:00"),
  );
  if (agreed.status !== "done") throw new Error(`act failed: ${JSON.stringify(agreed)}`);

  const c2 = await file(db, petrov.user.id, "contract_refusal", "2026-03-20T08:00:00", "kk");
  const c3r = await submitReport(
    db,
    {
      userId: sidorov.user.id,
      ground: "citizenship",
      reasons: REASONS,
      conscriptServed: false,
      phone: null,
      reportLang: "ru",
      attachments: [
        { kind: "decree", media: "photo", fileId: "PHOTO-DECREE", fileUniqueId: "pd", size: 1000 },
        { kind: "decree", media: "paper", pages: 3 },
      ],
    },
    at("2026-03-20T08:10:00"),
  );
  if (!c3r.ok) throw new Error(`citizenship submit failed: ${c3r.reason}`);
  const c4r = await openCase(
    db,
    {
      actor: { userId: methods.user.id, officialId: methods.official.id },
      ground: "academic_failure",
      studentId: failing.student.id,
      reportLang: "ru",
      text: "Физика: экзамен не сдан",
      facts: { debtEndsOn: "19.03.2026" },
      attachments: [
        {
          kind: "interview_sheets",
          media: "pdf",
          fileId: "PDF-SHEETS",
          fileUniqueId: "ps",
          fileName: "sheets.pdf",
          size: 200,
        },
        { kind: "debt_notifications", media: "paper", pages: 4 },
      ],
    },
    at("2026-03-20T08:20:00"),
  );
  if (!c4r.ok) throw new Error(`open failed: ${JSON.stringify(c4r)}`);

  // D8: an ended case whose personal data were purged: the anonymised record stays.
  const c5 = await file(db, gone.user.id, "own_will", "2026-03-20T08:30:00");
  await db
    .update(cases)
    .set({
      state: "withdrawn",
      closedAt: at("2026-03-20T08:40:00"),
      purgedAt: at("2026-03-20T08:50:00"),
      studentSnapshot: null,
    })
    .where(eq(cases.id, c5));
  await db
    .update(caseSteps)
    .set({ state: "cancelled" })
    .where(inArray(caseSteps.caseId, [c5]));

  const fillers: number[] = [];
  for (let i = 6; i <= 25; i++) {
    const s = await learner(
      db,
      a.id,
      `Толтырушы ${String(i).padStart(2, "0")}`,
      `AK-${String(i).padStart(4, "0")}`,
      "Әскери",
      "1",
    );
    fillers.push(await file(db, s.user.id, "own_will", "2026-03-20T08:45:00"));
  }

  const other = await learner(db, b.id, "Басқа Бота", "SH-0001", "Шекара", "1");
  const c26 = await file(db, other.user.id, "own_will", "2026-03-20T08:50:00");

  return {
    a,
    b,
    head,
    deputy,
    personnel,
    academic,
    methods,
    headB,
    learners: { ivanov, petrov, sidorov, failing, gone, other },
    cases: {
      overdue: c1,
      kazakh: c2,
      citizenship: c3r.caseId,
      failure: c4r.caseId,
      purged: c5,
      fillers,
      otherInstitution: c26,
    },
  };
}

export type Seeded = Awaited<ReturnType<typeof seedDashboard>>;
