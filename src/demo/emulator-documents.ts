/**
 * telegram-test-api answers sendDocument with "not supported": this adds it. The file is kept per chat (so a
 * test or the demo can open it) and a message "📄 <file name>" appears in the chat like any bot message.
 */
import type TelegramServer from "telegram-test-api";
import type { ChatEvents } from "./emulator-events";
import { type ExpressLike, routeInsteadOfCatchAll } from "./emulator-routes";
import { parseMultipart, type UploadedFile } from "./multipart";

export type ReceivedFiles = Map<number, UploadedFile[]>;

/** `events`, when given, gets the new message in its chat's order (see emulator-events.ts). */
export function supportDocuments(server: TelegramServer, events?: ChatEvents): ReceivedFiles {
  const files: ReceivedFiles = new Map();
  const app = (server as unknown as { webServer: ExpressLike }).webServer;
  routeInsteadOfCatchAll(app, "/bot:token/sendDocument", (req, res) => {
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
      events?.message(chatId);
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
  return files;
}
