/**
 * A demo institution: one learner on the roster and the officials of the procedure, each with a
 * one-time invite token (what `npm run admin` prints as t.me links).
 */
import type { Db } from "../db/client";
import { institutions, officialRoles, officials, students } from "../db/schema";
import { createInvite } from "../people/invites";
import type { Role } from "../rules";

export interface DemoPerson {
  key: "cadet" | "master" | "deputy" | "head" | "personnel";
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
