/**
 * A learner's sex, from the roster's optional `sex` column (issue 14.6). Used only for Russian grammatical
 * agreement ("проходил" / "проходила"); Kazakh and English have no grammatical gender in our texts. Unknown
 * (an empty cell, or no column) gets wording that needs no agreement (src/messages/report-document.ts).
 */
export type Sex = "M" | "F";

/**
 * The letters a roster may use, as institutions write them: Latin M/F, Russian М/Ж (мужской / женский),
 * Kazakh Е/Ә (ер / әйел), in either case. Only single letters: a word is more likely a misplaced column.
 * Latin "E" is refused rather than guessed: it is not a Kazakh letter, and "F"/"E" are easy to confuse.
 */
export const SEX_LETTERS: ReadonlyMap<string, Sex> = new Map([
  ["m", "M"],
  ["f", "F"],
  ["м", "M"], // Cyrillic: мужской
  ["ж", "F"], // женский
  ["е", "M"], // Kazakh: ер
  ["ә", "F"], // әйел
]);

/** The stored value of a roster cell: "M", "F", null for an empty cell, undefined when not a listed letter. */
export function parseSex(cell: string): Sex | null | undefined {
  const v = cell.trim().toLowerCase();
  if (v === "") return null;
  return SEX_LETTERS.get(v);
}
