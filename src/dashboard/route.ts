/** What every API route gets: the deps, the checked viewer, the request and the moment it is answered. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Viewer } from "./access";
import type { DashboardDeps } from "./server";

export interface RouteContext {
  deps: DashboardDeps;
  viewer: Viewer;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path's captures (a case id). */
  params: string[];
  now: Date;
}

/**
 * A route answers with a JSON body (status 200), or writes the response itself and answers undefined (the
 * CSV); a refusal is thrown (src/dashboard/http.ts refuse).
 */
export type RouteHandler = (ctx: RouteContext) => Promise<unknown>;

/** An institution's name in the reader's language (Kazakh for Kazakh and English, as the documents do). */
export const institutionName = (i: { nameKk: string; nameRu: string }, lang: string): string =>
  lang === "ru" ? i.nameRu : i.nameKk;
