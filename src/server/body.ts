/** A request body read by us, counting bytes as they arrive whatever the framing (issue 12.16). */
import type { IncomingMessage } from "node:http";

export class BodyTooLarge extends Error {}

/** The body, counted as it arrives; rejects with BodyTooLarge (and stops reading) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
    req.once("aborted", () => reject(new Error("request aborted")));
  });
}

/**
 * node:http options for a server that gives each request `ms` to arrive whole, headers and body (a slow
 * sender cannot hold sockets); Node checks every second.
 */
export const timedServerOptions = (ms: number) => ({
  requestTimeout: ms,
  headersTimeout: ms,
  connectionsCheckingInterval: Math.min(1_000, ms),
});
