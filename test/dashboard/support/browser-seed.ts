/**
 * A dashboard's worth of data for the browser tests: two institutions; at the first, a head (reading
 * Russian), a deputy head and a personnel officer (reading Kazakh) and learners of several faculties and
 * courses with cases filed over three months (some overdue now, one walked through the deputy's opinion and
 * the cl. 20 conversation, two withdrawn); at the second, one learner whose name and personal number must
 * never reach the first institution's pages; an HQ viewer (D16). Cases are filed through the same use case
 * the bot calls (submitReport) and walked through the bot itself (test/support/flows.ts).
 */
import { eq } from "drizzle-orm";
import { submitReport } from "../../../src/cases/submit";
import { withdrawCase } from "../../../src/cases/withdraw";
import { cases, institutions, students } from "../../../src/db/schema";
import { addHqViewer } from "../../../src/people/hq-viewers";
import { addInstitution, addOfficial, addStudent } from "../../support/fixtures";
import { deputyActs, fileReport, instructAndTalk, REASONS } from "../../support/flows";
import { type Harness, newUser, type TgUser } from "../../support/harness";

/** "Now" for the dashboard: Friday 20 March 2026, 10:00 in Almaty. */
export const NOW = "2026-03-20T05:00:00Z";

interface Learner {
  name: string;
  faculty: string;
  course: string;
  category: "cadet" | "masters" | "doctoral";
  ground: "own_will" | "contract_refusal";
  filedAt: string;
  withdraw?: boolean;
}

const INVESTIGATION = "Тергеу факультеті";
const SECURITY = "Қауіпсіздік факультеті";
const CYBER = "Ақпараттық қауіпсіздік факультеті";

const LEARNERS: Learner[] = [
  {
    name: "Ахметов Ерлан Серікұлы",
    faculty: INVESTIGATION,
    course: "1",
    category: "cadet",
    ground: "own_will",
    filedAt: "2026-01-13T05:00:00Z",
  },
  {
    name: "Бекова Айгерім Нұрланқызы",
    faculty: INVESTIGATION,
    course: "2",
    category: "cadet",
    ground: "own_will",
    filedAt: "2026-01-20T05:00:00Z",
    withdraw: true,
  },
  {
    name: "Дәулетов Нұрсұлтан Асқарұлы",
    faculty: SECURITY,
    course: "3",
    category: "cadet",
    ground: "contract_refusal",
    filedAt: "2026-01-27T05:00:00Z",
  },
  {
    name: "Есенова Мадина Бауыржанқызы",
    faculty: SECURITY,
    course: "1",
    category: "masters",
    ground: "own_will",
    filedAt: "2026-02-03T05:00:00Z",
  },
  {
    name: "Жақыпов Арман Төлегенұлы",
    faculty: INVESTIGATION,
    course: "4",
    category: "cadet",
    ground: "own_will",
    filedAt: "2026-02-10T05:00:00Z",
    withdraw: true,
  },
  {
    name: "Иманғалиев Тимур Маратұлы",
    faculty: CYBER,
    course: "2",
    category: "cadet",
    ground: "contract_refusal",
    filedAt: "2026-02-17T05:00:00Z",
  },
  {
    name: "Қасымова Әсел Дәуренқызы",
    faculty: CYBER,
    course: "1",
    category: "doctoral",
    ground: "own_will",
    filedAt: "2026-02-24T05:00:00Z",
  },
  {
    name: "Лұқпанов Данияр Ғаниұлы",
    faculty: INVESTIGATION,
    course: "3",
    category: "cadet",
    ground: "own_will",
    filedAt: "2026-03-03T05:00:00Z",
  },
  {
    name: "Мұхамеджанов Руслан Қайратұлы",
    faculty: SECURITY,
    course: "2",
    category: "cadet",
    ground: "contract_refusal",
    filedAt: "2026-03-10T05:00:00Z",
  },
  {
    name: "Нұржанова Гүлназ Серікқызы",
    faculty: INVESTIGATION,
    course: "1",
    category: "masters",
    ground: "own_will",
    filedAt: "2026-03-16T05:00:00Z",
  },
  {
    name: "Оспанов Бекзат Ерболұлы",
    faculty: CYBER,
    course: "4",
    category: "cadet",
    ground: "own_will",
    filedAt: "2026-03-18T05:00:00Z",
  },
];

/** The learner of the other institution: this name and number must never appear on the first one's pages. */
export const OTHER = { name: "Бөтенов Құпия Адамұлы", personalNumber: "SECRET-B-0001" };

export interface Official {
  tg: TgUser;
  name: string;
}

export interface Seeded {
  institutionId: number;
  otherInstitutionId: number;
  head: Official;
  deputy: Official;
  personnel: Official;
  otherHead: Official;
  hq: TgUser;
  /** Case ids at the first institution, in filing order (the walked one first). */
  caseIds: number[];
  /** The case whose deputy's opinion and cl. 20 conversation are done (a timeline with names). */
  walkedCaseId: number;
  otherCaseId: number;
}

async function official(
  h: Harness,
  institutionId: number,
  role: "head" | "deputy_personnel" | "personnel_officer",
  name: string,
  lang: "kk" | "ru",
): Promise<Official> {
  const o = await addOfficial(h.db, institutionId, [role], name, lang);
  return { tg: o.tg, name };
}

/** A learner on the roster who files a report at `filedAt` (and withdraws it a day later, if so marked). */
async function learnerCase(
  h: Harness,
  institutionId: number,
  l: Learner,
  personalNumber: string,
): Promise<number> {
  const { student, user } = await addStudent(h.db, institutionId, {
    name: l.name,
    category: l.category,
    personalNumber,
    lang: "kk",
  });
  await h.db
    .update(students)
    .set({ faculty: l.faculty, course: l.course })
    .where(eq(students.id, student.id));
  h.clock.set(l.filedAt);
  const r = await submitReport(
    h.db,
    {
      userId: user.id,
      ground: l.ground,
      reasons: REASONS,
      conscriptServed: false,
      phone: "+7 700 123 45 67",
      reportLang: "kk",
    },
    h.clock(),
  );
  if (!r.ok) throw new Error(`seed: ${l.name}: ${r.reason}`);
  if (l.withdraw) {
    h.clock.advance(86_400_000);
    const w = await withdrawCase(h.db, r.caseId, user.id, h.clock());
    if (w.status !== "withdrawn") throw new Error(`seed: withdraw ${r.caseId}: ${w.status}`);
  }
  return r.caseId;
}

export async function seedDashboard(h: Harness): Promise<Seeded> {
  const db = h.db;
  const inst = await addInstitution(db, "AKAD");
  const other = await addInstitution(db, "SHEK");
  await db
    .update(institutions)
    .set({ nameKk: "ҰҚК Шекара академиясы", nameRu: "Пограничная академия КНБ" })
    .where(eq(institutions.id, other.id));

  const head = await official(h, inst.id, "head", "Генерал-майор Оспанов Е.Т.", "ru");
  const deputy = await official(h, inst.id, "deputy_personnel", "Полковник Серіков Д.А.", "kk");
  const personnel = await official(h, inst.id, "personnel_officer", "Майор Жұмабаева А.К.", "kk");
  const otherHead = await official(h, other.id, "head", "Генерал-майор Басқаұлы Б.Б.", "ru");
  await official(h, other.id, "deputy_personnel", "Полковник Екіншіұлы Е.Е.", "kk");
  await official(h, other.id, "personnel_officer", "Майор Үшіншіқызы Ү.Ү.", "kk");

  // The walked case: filed through the bot on 2 March; the deputy's opinion and the cl. 20 conversation done.
  h.clock.set("2026-03-02T05:00:00Z");
  const walker = await addStudent(db, inst.id, {
    name: "Серікбаев Айбек Нұрланұлы",
    personalNumber: "PN-0100",
    lang: "ru",
  });
  await fileReport(h, walker.tg, "own_will", "ru");
  const staff = { head, deputy, personnel };
  await deputyActs(h, staff, { interviewOn: "02.03.2026" });
  h.clock.set("2026-03-04T05:00:00Z");
  await instructAndTalk(h, staff);
  const [walked] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(eq(cases.studentId, walker.student.id));
  if (!walked) throw new Error("seed: the walked case was not filed");

  const caseIds = [walked.id];
  for (const [i, l] of LEARNERS.entries()) {
    caseIds.push(await learnerCase(h, inst.id, l, `PN-${String(i + 1).padStart(4, "0")}`));
  }
  const otherCaseId = await learnerCase(
    h,
    other.id,
    { ...LEARNERS[0]!, name: OTHER.name, filedAt: "2026-03-05T05:00:00Z" },
    OTHER.personalNumber,
  );

  const hq = newUser("HQ");
  await addHqViewer(db, hq.id, "Полковник Кадрлар Д.Д.", h.clock());
  await h.flush();
  h.clock.set(NOW);
  return {
    institutionId: inst.id,
    otherInstitutionId: other.id,
    head,
    deputy,
    personnel,
    otherHead,
    hq,
    caseIds,
    walkedCaseId: walked.id,
    otherCaseId,
  };
}
