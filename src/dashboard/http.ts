/**
 * What the dashboard's routes share over node:http: JSON answers (errors too, as contract.ts says), a
 * refusal thrown from anywhere in a route, and the small JSON body of a POST, read with a hard limit.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLarge, readBody } from "../server/body";
import type { ErrorCode } from "./contract";

const STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  internal: 500,
};

/** A refusal: the route stops and the client gets `{ error: code }` with its status. */
export class Refusal extends Error {
  constructor(readonly code: ErrorCode) {
    super(code);
  }
}

export const refuse = (code: ErrorCode): never => {
  throw new Refusal(code);
};

/** Personal data: never cached by a browser or a proxy, never guessed into another type. */
const API_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...API_HEADERS, "content-length": data.length }).end(data);
}

export function sendError(res: ServerResponse, code: ErrorCode): void {
  sendJson(res, STATUS[code], { error: code });
}

/** A POST body: a few hundred bytes at most; larger or not JSON is a bad request. */
export const MAX_JSON_BODY = 4_096;

export async function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  limit = MAX_JSON_BODY,
): Promise<unknown> {
  let body: Buffer;
  try {
    if (Number(req.headers["content-length"] ?? 0) > limit) throw new BodyTooLarge();
    body = await readBody(req, limit);
  } catch (err) {
    // The rest of a body too large is never read: the connection closes after the answer.
    if (err instanceof BodyTooLarge) res.setHeader("connection", "close");
    return refuse("bad_request");
  }
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return refuse("bad_request");
  }
}
