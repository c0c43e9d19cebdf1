/** Adding routes to telegram-test-api's express app (it ships no way to extend it, nor express types). */
import type { IncomingMessage, ServerResponse } from "node:http";

export type Req = IncomingMessage & { params: Record<string, string>; body: unknown };
export type Res = ServerResponse & { status(code: number): Res; json(body: unknown): void };
type Handler = (req: Req, res: Res, next: () => void) => void;
interface Layer {
  route?: { path?: string };
}
export interface ExpressLike {
  post(path: string, handler: Handler): void;
  _router: { stack: Layer[] };
}

/** Moves the layer just added to position `at` (express matches in stack order). */
function moveLast(app: ExpressLike, at: (stack: Layer[]) => number) {
  const stack = app._router.stack;
  const mine = stack.pop()!;
  const i = at(stack);
  stack.splice(i === -1 ? stack.length : i, 0, mine);
}

/** A route that sees requests before any of the emulator's (after its body parsers): call next() to pass on. */
export function routeBeforeEmulator(app: ExpressLike, path: string, handler: Handler) {
  app.post(path, handler);
  moveLast(app, (stack) => stack.findIndex((l) => l.route !== undefined));
}

/** A route for a method the emulator lacks: before its catch-all "/bot:token/:method", after its own routes. */
export function routeInsteadOfCatchAll(app: ExpressLike, path: string, handler: Handler) {
  app.post(path, handler);
  moveLast(app, (stack) => stack.findIndex((l) => l.route?.path === "/bot:token/:method"));
}
