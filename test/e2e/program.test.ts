/**
 * End to end: the real program (src/main.ts, long polling, embedded database) against telegram-test-api,
 * a third-party Bot API emulator on loopback. Invite links bind everyone; both grounds reach a closed case.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import TelegramServer from "telegram-test-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate } from "../../src/cases/format";
import { openDatabase } from "../../src/db/client";
import { caseSteps, cases, reportVersions, students } from "../../src/db/schema";
import { EmulatorChat } from "../../src/demo/emulator-chat";
import { type ReceivedFiles, supportDocuments } from "../../src/demo/emulator-documents";
import { bindAll, castOf, walkContractRefusal, walkOwnWill } from "../../src/demo/journey";
import { freePort, type Program, startProgram, waitForOutput } from "../../src/demo/program";
import { type DemoPerson, seedDemo } from "../../src/demo/seed";
import { localDateOf } from "../../src/rules";

const TOKEN = "123456789:E2E-token-for-the-local-emulator-only";

describe("the program against a Bot API emulator", () => {
  let server: TelegramServer;
  let files: ReceivedFiles;
  let dataDir: string;
  let people: DemoPerson[];
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "e2e-"));
    const port = await freePort();
    server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
    files = supportDocuments(server);
    await server.start();
    const database = await openDatabase({ dataDir });
    people = await seedDemo(database.db, new Date());
    await database.close();
    env = {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
    };
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("without BOT_TOKEN exits non-zero with one clear line", async () => {
    const p = startProgram({ DATA_DIR: dataDir });
    const code = await p.exited;
    expect(code).toBe(2);
    expect(p.output().trim().split("\n")).toEqual([
      "Configuration error: BOT_TOKEN is missing: get a token from @BotFather in Telegram (/newbot) and put it in .env",
    ]);
  });

  it("starts, answers /start in Kazakh, walks both grounds to closed cases, stops cleanly on SIGTERM", async () => {
    let program: Program | undefined = startProgram(env);
    try {
      await waitForOutput(program, "bot started");
      const stranger = new EmulatorChat(server, TOKEN, 999, "Stranger");
      await stranger.text("/start");
      await stranger.waitFor("шақыру сілтемесін"); // Kazakh by default

      const { cast, tokens } = castOf(server, TOKEN, people);
      await bindAll(cast, tokens);
      // A used invite binds nothing the second time.
      await stranger.text(`/start ${tokens.cadet}`);
      await stranger.waitFor("бұрын пайдаланылған");

      const today = formatDate(localDateOf(new Date()));
      await walkOwnWill(cast, today);
      await walkContractRefusal(cast, today);
      // The deputy head's opinion reached the head with the report, before the head decided (D4, D6).
      const headChat = cast.head.transcript.join("\n");
      expect(headChat).toContain("Оқудың соңғы жылы");
      expect(headChat).toContain("Отбасылық жағдайыма байланысты");
      // D12: the head received the report as a DOCX file, in the learner's language, word for word.
      const [report] = files.get(2002) ?? [];
      expect(report?.filename).toBe("Баянат_Ахметова_Д_Б_№1.docx");
      const xml = Buffer.from(unzipSync(new Uint8Array(report!.data))["word/document.xml"]!).toString("utf8");
      expect(xml).toContain("Отбасылық жағдайыма байланысты оқуды жалғастыра алмаймын.");

      const code = await program.stop("SIGTERM");
      expect(code).toBe(0);
      expect(program.output()).toContain('"msg":"stopped"');
      program = undefined;

      // Restarting keeps every stored row (PGlite files under DATA_DIR).
      const database = await openDatabase({ dataDir });
      const rows = await database.db.select().from(cases).orderBy(cases.id);
      expect(rows.map((r) => [r.ground, r.state])).toEqual([
        ["own_will", "closed"],
        ["contract_refusal", "closed"],
      ]);
      expect((await database.db.select().from(students)).every((s) => s.userId !== null)).toBe(true);
      // D7: the master's student got the order on expulsion and the submission; D6, D12: the cadet's report
      // was sent back and re-submitted, both versions kept.
      const steps = await database.db.select().from(caseSteps).where(eq(caseSteps.caseId, rows[0]!.id));
      expect(steps.filter((s) => s.state === "done").map((s) => s.key)).toEqual(
        expect.arrayContaining(["order", "submission", "decide", "interview", "conversation"]),
      );
      const versions = await database.db
        .select()
        .from(reportVersions)
        .where(eq(reportVersions.caseId, rows[1]!.id));
      expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
      await database.close();
    } finally {
      await program?.stop("SIGKILL");
    }
  }, 120_000);

  it("killed mid-conversation (SIGKILL) and restarted: the learner continues where they were", async () => {
    let program = startProgram(env);
    const master = new EmulatorChat(server, TOKEN, 1002, "Master");
    try {
      await waitForOutput(program, "bot started");
      await master.text("/report");
      await master.waitFor("r:g:own_will");
      await master.press("r:g:own_will");
      await master.waitFor(/\d+–\d+/);
      await master.text("Денсаулығыма байланысты оқуды жалғастыра алмаймын.");
      await master.waitFor("r:c:no");
      program.child.kill("SIGKILL");
      expect(await program.exited).toBeNull();

      program = startProgram(env);
      await waitForOutput(program, "bot started");
      await master.press("r:c:yes"); // the button sent before the crash still works
      await master.waitFor("+7 700 123 45 67");
      await master.text("+7 701 000 00 00");
      await master.waitFor("r:l:kk");
      await master.press("r:l:kk");
      const preview = await master.waitFor("r:submit");
      expect(preview.text).toContain("Денсаулығыма байланысты"); // the answer given before the crash
      await master.press("r:submit");
      await master.waitFor("📨");
      expect(await program.stop()).toBe(0);
      const database = await openDatabase({ dataDir });
      const rows = await database.db.select().from(cases);
      expect(rows.filter((r) => r.state === "open").map((r) => [r.ground, r.conscriptServed])).toEqual([
        ["own_will", true],
      ]);
      await database.close();
    } finally {
      await program.stop("SIGKILL");
    }
  }, 120_000);
});
