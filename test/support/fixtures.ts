/** Test people: an institution, learners and officials bound to Telegram users, inserted directly. */
import type { Db } from "../../src/db/client";
import { institutions, officialRoles, officials, students, users } from "../../src/db/schema";
import type { Language, Role } from "../../src/rules";
import { newUser, type TgUser } from "./harness";

export async function addInstitution(db: Db, code = "AKAD") {
  const [inst] = await db
    .insert(institutions)
    .values({
      code,
      nameKk: "ҰҚК Академиясы",
      nameRu: "Академия КНБ",
      headTitleKk: "ҰҚК Академиясының бастығына",
      headTitleRu: "Начальнику Академии КНБ",
    })
    .returning();
  return inst!;
}

async function bindUser(db: Db, tg: TgUser, lang: Language = "kk") {
  const [u] = await db.insert(users).values({ telegramId: tg.id, lang }).returning();
  return u!;
}

export async function addStudent(
  db: Db,
  institutionId: number,
  opts: {
    category?: "cadet" | "masters" | "doctoral";
    name?: string;
    lang?: Language;
    personalNumber?: string;
    /** The roster's optional sex column (issue 14.6); absent: unknown. */
    sex?: "M" | "F";
  } = {},
) {
  const tg = newUser("Student");
  const user = await bindUser(db, tg, opts.lang);
  const category = opts.category ?? "cadet";
  const [s] = await db
    .insert(students)
    .values({
      institutionId,
      personalNumber: opts.personalNumber ?? `PN${tg.id}`,
      fullName: opts.name ?? "Әбілқайыр Сәкенұлы Нұрғалиев",
      rank: category === "cadet" ? "курсант" : "капитан",
      category,
      faculty: "Тергеу факультеті",
      course: "2",
      groupName: "Т-21",
      sendingUnit: category === "cadet" ? "" : "ҰҚК Алматы облысы бойынша департаменті",
      sex: opts.sex ?? null,
      userId: user.id,
    })
    .returning();
  return { tg, student: s!, user };
}

export async function addOfficial(
  db: Db,
  institutionId: number,
  roles: Role[],
  name: string,
  lang: Language = "kk",
) {
  const tg = newUser(name);
  const user = await bindUser(db, tg, lang);
  const [o] = await db
    .insert(officials)
    .values({ institutionId, fullName: name, position: roles.join(", "), userId: user.id })
    .returning();
  await db.insert(officialRoles).values(roles.map((role) => ({ officialId: o!.id, role })));
  return { tg, official: o!, user };
}

/** The usual cast: head, the three deputies, a personnel officer. */
export async function addStaff(db: Db, institutionId: number) {
  return {
    head: await addOfficial(db, institutionId, ["head"], "Бастық Б.Б."),
    deputy: await addOfficial(db, institutionId, ["deputy_personnel"], "Орынбасар К.К."),
    personnel: await addOfficial(db, institutionId, ["personnel_officer"], "Кадровик Д.Д."),
  };
}
