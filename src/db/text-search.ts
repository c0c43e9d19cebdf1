/**
 * "Contains, ignoring case" that does not depend on the database's locale. ILIKE, lower() and `~*` fold
 * case by LC_CTYPE: a database created under the C locale (initdb's default where no locale is set) folds
 * only ASCII, so "иванов" would not find "Иванов" nor "әлиев" "Әлиев". Here the query itself carries both
 * cases: each letter becomes a bracket of its lower and upper case (`[иИ]`), everything else is taken
 * literally, and the column is matched with `~`, which compares characters as they are.
 */
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

/** Characters that mean something in a PostgreSQL regular expression (ARE) outside a bracket. */
const META = /[\\^$.|?*+()[\]{}]/;

/** The regular expression matching `query` anywhere, each letter in either case. */
export function caseFoldPattern(query: string): string {
  let out = "";
  for (const ch of query) {
    // The character and its one-character lower and upper case ("ß" → "SS" is not one; "ǅ" has both).
    const forms = new Set([ch, ch.toLowerCase(), ch.toUpperCase()].filter((f) => [...f].length === 1));
    if (forms.size > 1) out += `[${[...forms].join("")}]`;
    else out += META.test(ch) ? `\\${ch}` : ch;
  }
  return out;
}

/** `column` contains `query`, ignoring case in any script, whatever the database's locale. */
export function containsIgnoringCase(column: SQLWrapper, query: string): SQL {
  return sql`${column} ~ ${caseFoldPattern(query)}`;
}
