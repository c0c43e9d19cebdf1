/**
 * Rendering at scale (issue 17): a day's digests and breach notices list tens of thousands of steps, and
 * i18next's calls dominated. Labels, due lines and item lines are shared by many messages, so each is made
 * once per run and kept in a map the caller owns.
 */
import type { T } from "../i18n";

/** The value under `key` in `cache`, made and stored the first time. */
export function cachedIn<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    cache.set(key, v);
  }
  return v;
}

/** Stands for a case number in a translated text (a private-use character: never in a translation). */
const ID_MARK = "\uE000";

/**
 * A text with a case number ("Case No. {{id}}", "Open No. {{id}}") translated once per language with a mark
 * for the number, then filled in: a case id is digits, so there is nothing to escape.
 */
export function withCaseId(
  t: T,
  lang: string,
  key: string,
  cache: Map<string, string>,
): (id: number) => string {
  const [before, after = ""] = cachedIn(cache, `${key}|${lang}`, () => t(key, { id: ID_MARK })).split(
    ID_MARK,
  );
  return (id: number) => `${before}${id}${after}`;
}
