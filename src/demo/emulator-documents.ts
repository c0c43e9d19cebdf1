/**
 * telegram-test-api answers sendDocument with "not supported": this adds it. The file is kept per chat (so a
 * test or the demo can open it) and a message "📄 <file name>" appears in the chat like any bot message.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type TelegramServer from "telegram-test-api";
import { parseMultipart, type UploadedFile } from "./multipart";

export type ReceivedFiles = Map<number, UploadedFile[]>;

/** The parts of express 4 used here (the emulator's app; express ships no types of its own). */
type Req = IncomingMessage & { params: Record<string, string> };
type Res = ServerResponse & { status(code: number): Res; json(body: unknown): void };
interface ExpressLike {
  post(path: string, handler: (req: Req, res: Res) => void): void;
  _router: { stack: { route?: { path?: string } }[] };
}

export function supportDocuments(server: TelegramServer): ReceivedFiles {
  const files: ReceivedFiles = new Map();
  const app = (server as unknown as { webServer: ExpressLike }).webServer;
  app.post("/bot:token/sendDocument", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = parseMultipart(Buffer.concat(chunks), String(req.headers["content-type"] ?? ""));
      const chatId = Number(body.chat_id);
      const file = body.document as UploadedFile | undefined;
      if (!file || !Number.isFinite(chatId)) {
        res.status(400).json({ ok: false, error_code: 400, description: "Bad Request: no document" });
        return;
      }
      files.set(chatId, [...(files.get(chatId) ?? []), file]);
      const msg = server.addBotMessage(
        { chat_id: chatId, text: `📄 ${file.filename}` } as never,
        req.params.token!,
      );
      res.json({
        ok: true,
        result: {
          ...msg,
          document: { file_id: file.filename, file_unique_id: file.filename, file_name: file.filename },
        },
      });
    });
  });
  // Express matches in order: put the new route before the emulator's catch-all "/bot:token/:method".
  const stack = app._router.stack;
  const mine = stack.pop()!;
  const catchAll = stack.findIndex((l) => l.route?.path === "/bot:token/:method");
  stack.splice(catchAll === -1 ? stack.length : catchAll, 0, mine);
  return files;
}
