/** Small builders shared by the people and CLI tests. */
import type { Db } from "../../src/db/client";
import { addInstitution, type Institution } from "../../src/people/institutions";
import { addOfficial, type Official } from "../../src/people/officials";

export const NOW = new Date("2026-03-20T04:00:00Z"); // Friday 20 March 2026, 09:00 Asia/Almaty

export const HEADER = "personal_number,full_name,rank,category,faculty,course,group,sending_unit";

export function institution(
  db: Db,
  code = "AKAD",
  extra: Partial<Parameters<typeof addInstitution>[1]> = {},
) {
  return addInstitution(
    db,
    {
      code,
      nameKk: "ҰҚК Академиясы",
      nameRu: "Академия КНБ",
      headTitleKk: "ҰҚК Академиясының бастығына",
      headTitleRu: "Начальнику Академии КНБ",
      ...extra,
    },
    NOW,
  ) as Promise<Institution>;
}

export function official(
  db: Db,
  institutionId: number,
  roles: string[],
  fullName = "Серікбаев Ерлан Нұрұлы",
) {
  return addOfficial(db, { institutionId, fullName, position: "Бастық", roles }, NOW) as Promise<Official>;
}

export const csv = (...lines: string[]) => `${lines.join("\r\n")}\r\n`;
