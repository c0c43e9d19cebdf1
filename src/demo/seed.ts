/**
 * A demo institution: learners on the roster and the officials of the procedure, each with a one-time
 * invite token (what `npm run admin` prints as t.me links). Issue 16: the officials who open cases on the
 * other grounds and the deputies who agree to them, a learner whose citizenship ended (ch. 5), and three
 * learners who never bind (cases are opened on them by officials: ch. 2, ch. 3, cl. 2).
 */
import type { Db } from "../db/client";
import { institutions, officialRoles, officials, students } from "../db/schema";
import { createInvite } from "../people/invites";
import type { Role } from "../rules";

export interface DemoPerson {
  key:
    | "cadet"
    | "master"
    | "citizen"
    | "deputy"
    | "head"
    | "personnel"
    | "methods"
    | "academic"
    | "upbringing"
    | "unit"
    | "debtor"
    | "offender"
    | "abroad";
  name: string;
  token: string;
}

const OFFICIALS: { key: DemoPerson["key"]; name: string; position: string; roles: Role[] }[] = [
  {
    key: "deputy",
    name: "Полковник Серіков Д.А.",
    position: "Академия бастығының кадр жұмысы жөніндегі орынбасары",
    roles: ["deputy_personnel"],
  },
  { key: "head", name: "Генерал-майор Оспанов Е.Т.", position: "ҰҚК Академиясының бастығы", roles: ["head"] },
  {
    key: "personnel",
    name: "Майор Жұмабаева А.К.",
    position: "Кадр бөлімшесінің бастығы",
    roles: ["personnel_officer"],
  },
  {
    key: "methods",
    name: "Подполковник Әлиева Г.М.",
    position: "Оқу-әдістемелік бөлімшенің бастығы",
    roles: ["academic_methods_head"],
  },
  {
    key: "academic",
    name: "Полковник Темірханов Б.Қ.",
    position: "Академия бастығының оқу жұмысы жөніндегі орынбасары",
    roles: ["deputy_academic"],
  },
  {
    key: "upbringing",
    name: "Полковник Есенова Л.С.",
    position: "Академия бастығының тәрбие жұмысы жөніндегі орынбасары",
    roles: ["deputy_upbringing"],
  },
  {
    key: "unit",
    name: "Подполковник Мұқанов Т.Е.",
    position: "Тергеу факультетінің бастығы",
    roles: ["unit_head"],
  },
];

export async function seedDemo(db: Db, now: Date): Promise<DemoPerson[]> {
  const [inst] = await db
    .insert(institutions)
    .values({
      code: "DEMO",
      nameKk: "ҰҚК Академиясы",
      nameRu: "Академия КНБ",
      headTitleKk: "ҰҚК Академиясының бастығына",
      headTitleRu: "Начальнику Академии КНБ",
    })
    .returning();
  const people: DemoPerson[] = [];
  const learners = [
    {
      key: "cadet" as const,
      personalNumber: "K-0001",
      fullName: "Нұрланов Арман Серікұлы",
      rank: "курсант",
      category: "cadet" as const,
      sendingUnit: "",
      sex: "M" as const, // the roster's sex column: Russian texts agree with it (issue 14.6)
    },
    {
      key: "master" as const,
      personalNumber: "M-0002",
      fullName: "Ахметова Дана Болатқызы",
      rank: "капитан",
      category: "masters" as const,
      sendingUnit: "ҰҚК Алматы облысы бойынша департаменті",
      sex: "F" as const,
    },
    {
      key: "citizen" as const,
      personalNumber: "K-0003",
      fullName: "Ким Виктор Александрович",
      rank: "курсант",
      category: "cadet" as const,
      sendingUnit: "",
      sex: "M" as const,
    },
    {
      key: "debtor" as const,
      personalNumber: "K-0004",
      fullName: "Сейітов Ерасыл Маратұлы",
      rank: "курсант",
      category: "cadet" as const,
      sendingUnit: "",
      sex: "M" as const,
    },
    {
      key: "offender" as const,
      personalNumber: "K-0005",
      fullName: "Бекова Айым Ғалымқызы",
      rank: "курсант",
      category: "cadet" as const,
      sendingUnit: "",
      sex: "F" as const,
    },
    {
      key: "abroad" as const,
      personalNumber: "D-0006",
      fullName: "Омаров Ринат Қайратұлы",
      rank: "майор",
      category: "doctoral" as const,
      sendingUnit: "ҰҚК Шекара қызметі",
      sex: "M" as const,
    },
  ];
  for (const l of learners) {
    const [s] = await db
      .insert(students)
      .values({
        institutionId: inst!.id,
        personalNumber: l.personalNumber,
        fullName: l.fullName,
        rank: l.rank,
        category: l.category,
        faculty: "Тергеу факультеті",
        course: "3",
        groupName: "Т-31",
        sendingUnit: l.sendingUnit,
        sex: l.sex,
      })
      .returning();
    const { token } = await createInvite(db, { institutionId: inst!.id, studentId: s!.id }, now);
    people.push({ key: l.key, name: l.fullName, token });
  }
  for (const o of OFFICIALS) {
    const [row] = await db
      .insert(officials)
      .values({ institutionId: inst!.id, fullName: o.name, position: o.position })
      .returning();
    await db.insert(officialRoles).values(o.roles.map((role) => ({ officialId: row!.id, role })));
    const { token } = await createInvite(db, { institutionId: inst!.id, officialId: row!.id }, now);
    people.push({ key: o.key, name: o.name, token });
  }
  return people;
}
