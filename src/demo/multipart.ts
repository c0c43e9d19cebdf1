/**
 * Reads a multipart/form-data body as grammY writes it (an upload: sendDocument): plain fields as values
 * (JSON fields parsed), files as { filename, data }; a field holding "attach://<id>" is replaced by that file.
 * Used by the Bot API emulator of the demo and the end-to-end tests, and by the tests' fake Bot API.
 */
export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export function parseMultipart(all: Buffer, contentType: string): Record<string, unknown> {
  const boundary = /boundary=([^;]+)$/.exec(contentType)?.[1];
  const out: Record<string, unknown> = {};
  if (!boundary) return out;
  const sep = Buffer.from(`--${boundary}`);
  let at = all.indexOf(sep);
  while (at !== -1) {
    const next = all.indexOf(sep, at + sep.length);
    if (next === -1) break;
    // Each part sits between "--boundary\r\n" and "\r\n--boundary".
    const part = all.subarray(at + sep.length + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const content = part.subarray(split + 4);
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="?([^"\r\n;]*)"?/.exec(head)?.[1];
    if (name && filename !== undefined)
      out[name] = { filename, data: Buffer.from(content) } satisfies UploadedFile;
    else if (name) {
      const text = content.toString("utf8");
      try {
        out[name] = JSON.parse(text);
      } catch {
        out[name] = text;
      }
    }
    at = next;
  }
  for (const [k, v] of Object.entries(out))
    if (typeof v === "string" && v.startsWith("attach://")) out[k] = out[v.slice("attach://".length)];
  return out;
}
