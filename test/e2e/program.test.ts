/**
 * End to end: the real program (src/main.ts, long polling, embedded database) against telegram-test-api,
 * a third-party Bot API emulator on loopback. Invite links bind everyone; one case of each ground reaches a
 * closed case (issue 16: the learners' ch. 4, 5, 6 reports; the ch. 2, ch. 3 and cl. 2 cases officials open).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import TelegramServer from "telegram-test-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitReport } from "../../src/cases/submit";
import { openDatabase } from "../../src/db/client";
import { caseSteps, cases, institutions, reportVersions, students, users } from "../../src/db/schema";
import { EmulatorChat } from "../../src/demo/emulator-chat";
import { type ReceivedFiles, supportDocuments } from "../../src/demo/emulator-documents";
import { type ChatEvents, recordChatEvents } from "../../src/demo/emulator-events";
import {
  bindAll,
  castOf,
  walkAcademicFailure,
  walkCitizenship,
  walkContractRefusal,
  walkForeignOrg,
  walkNegativeReasons,
  walkOwnWill,
} from "../../src/demo/journey";
import { freePort, type Program, startProgram, waitForOutput } from "../../src/demo/program";
import { type DemoPerson, seedDemo } from "../../src/demo/seed";
import { formatDate } from "../../src/messages/format";
import { createInvite } from "../../src/people/invites";
import { localDateOf } from "../../src/rules";

const TOKEN = "123456789:E2E-token-for-the-local-emulator-only";

describe("the program against a Bot API emulator", () => {
  let server: TelegramServer;
  let files: ReceivedFiles;
  let events: ChatEvents;
  let dataDir: string;
  let people: DemoPerson[];
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "e2e-"));
    const port = await freePort();
    server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });
    events = recordChatEvents(server);
    files = supportDocuments(server, events);
    await server.start();
    const database = await openDatabase({ dataDir });
    people = await seedDemo(database.db, new Date());
    await database.close();
    env = {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      RATE_LIMIT_PER_MINUTE: "2000", // scripted people tap faster than anyone (as in npm run demo)
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

  it("starts, answers /start in Kazakh, walks one case of each ground to a closed case, stops cleanly on SIGTERM", async () => {
    let program: Program | undefined = startProgram(env);
    try {
      await waitForOutput(program, "bot started");
      const stranger = new EmulatorChat(server, TOKEN, 999, "Stranger");
      await stranger.text("/start");
      await stranger.waitFor("шақыру сілтемесін"); // Kazakh by default

      const { cast, tokens } = castOf(server, TOKEN, people, events);
      await bindAll(cast, tokens);
      // A used invite binds nothing the second time.
      await stranger.text(`/start ${tokens.cadet}`);
      await stranger.waitFor("бұрын пайдаланылған");

      const today = formatDate(localDateOf(new Date()));
      await walkOwnWill(cast, today);
      await walkContractRefusal(cast, today);
      await walkCitizenship(cast, today);
      await walkAcademicFailure(cast, today);
      await walkNegativeReasons(cast, today);
      await walkForeignOrg(cast, today);
      // Issue 16 as the officials saw it: the filing on the deputy's card, the Decree check on the head's.
      expect(cast.academic.transcript.join("\n")).toContain("ҰСЫНЫМ (БАЯНАТ)");
      expect(cast.upbringing.transcript.join("\n")).toContain("МОТИВИРОВАННЫЙ РАПОРТ");
      expect(cast.head.transcript.join("\n")).toMatch(/көшірмесі түпнұсқамен салыстырылды/);
      // The deputy head's opinion reached the head with the report, before the head decided (D4, D6).
      const headChat = cast.head.transcript.join("\n");
      expect(headChat).toContain("Оқудың соңғы жылы");
      expect(headChat).toContain("Отбасылық жағдайыма байланысты");
      // Issue 14.7 as the head saw it: "— confirm?", then a pop-up and the card retired in place (an edit).
      expect(headChat).toMatch(/Баянатты мақұлдау \(бастықтың шешімі\) — растайсыз ба\?/);
      expect(headChat).toContain("  bot 💬 Жазылды: № 1 іс, бастықтың шешімі.");
      expect(headChat).toMatch(
        / {2}bot ✎ ✅ № 1 іс: бастықтың шешімі — мақұлданды \(Генерал-майор Оспанов Е\.Т\., /,
      );
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
        ["citizenship", "closed"],
        ["academic_failure", "closed"],
        ["negative_reasons", "closed"],
        ["foreign_org", "closed"],
      ]);
      // The learners who filed bound themselves; those the officials opened cases on never had to.
      const roster = await database.db.select().from(students).orderBy(students.personalNumber);
      expect(roster.map((s) => [s.personalNumber, s.userId !== null])).toEqual([
        ["D-0006", false],
        ["K-0001", true],
        ["K-0003", true],
        ["K-0004", false],
        ["K-0005", false],
        ["M-0002", true],
      ]);
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
      // The bot answers before it stores the conversation (the plugin writes after the handler), so a kill
      // right after the question could lose the answer under load. A chat's updates run one after another:
      // once /status is answered (and the question asked again), the reasons are stored.
      await master.text("/status");
      await master.waitFor("Қадам 3/5");
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
  it("a Russian-speaking newcomer, the report's escapes, /inbox pages: as people see them (issue 14.1, 14.2, 14.9)", async () => {
    // Six more learners have filed own-will reports: the deputy head has 2 steps per report (the opinion
    // and the cl. 4 interview), more than one /inbox page of 10.
    const database = await openDatabase({ dataDir });
    const [inst] = await database.db.select().from(institutions);
    for (let i = 0; i < 6; i++) {
      const [u] = await database.db
        .insert(users)
        .values({ telegramId: 5000 + i, lang: "kk" })
        .returning();
      await database.db.insert(students).values({
        institutionId: inst!.id,
        personalNumber: `E-${i}`,
        fullName: `Сапаров Ерлан ${i}`,
        rank: "курсант",
        category: "cadet",
        userId: u!.id,
      });
      const r = await submitReport(
        database.db,
        {
          userId: u!.id,
          ground: "own_will",
          reasons: "Денсаулығыма байланысты оқуды жалғастыра алмаймын.",
          conscriptServed: false,
          phone: null,
          reportLang: "kk",
        },
        new Date(),
      );
      expect(r.ok).toBe(true);
    }
    // One more learner, not bound yet: their invite link.
    const [fresh] = await database.db
      .insert(students)
      .values({
        institutionId: inst!.id,
        personalNumber: "E-9",
        fullName: "Ким Анна",
        rank: "курсант",
        category: "cadet",
      })
      .returning();
    const { token } = await createInvite(
      database.db,
      { institutionId: inst!.id, studentId: fresh!.id },
      new Date(),
    );
    await database.close();

    const program = startProgram(env);
    try {
      await waitForOutput(program, "bot started");
      // 14.1, 14.15: a stranger whose Telegram app is in Russian is answered in Russian, with their id.
      const stranger = new EmulatorChat(server, TOKEN, 998, "Незнакомец", { events, languageCode: "ru" });
      await stranger.text("/start");
      const hello = await stranger.waitFor("ссылку-приглашение");
      expect(hello.text).toContain("998");
      // 14.1: a newcomer binding with their link is answered in Russian and offered the choice of language.
      const newcomer = new EmulatorChat(server, TOKEN, 997, "Ким Анна", { events, languageCode: "ru" });
      await newcomer.text(`/start ${token}`);
      const menu = await newcomer.waitFor(/^lang:ru/);
      expect(menu.text).toContain("Выберите язык");
      expect(menu.buttons.map((b) => b.data)).toEqual(
        expect.arrayContaining(["lang:kk:menu", "lang:ru:menu", "menu:report"]),
      );

      // 14.2: in the middle of the report /status answers and the same question comes back; /cancel keeps
      // the draft and /report resumes it where it was.
      const cadet = new EmulatorChat(server, TOKEN, 1001, "Cadet", { events });
      await cadet.text("/report");
      await cadet.waitFor("r:g:own_will");
      await cadet.press("r:g:own_will");
      await cadet.waitFor("Қадам 2/5");
      await cadet.text("/status");
      await cadet.waitFor("Қадам 2/5");
      await cadet.text("Денсаулығыма байланысты оқуды жалғастыра алмаймын.");
      await cadet.waitFor("Қадам 3/5");
      await cadet.text("/cancel");
      await cadet.waitFor("r:keep");
      await cadet.press("r:keep");
      await cadet.waitFor("Жоба сақталды");
      await cadet.text("/report");
      await cadet.waitFor("Қадам 3/5");
      expect(cadet.received.at(-1)?.buttons.map((b) => b.data)).toEqual(["r:c:yes", "r:c:no"]);

      // 14.9: /inbox in pages of 10 with ▶, turned in place (an edit, not a new message).
      const deputy = new EmulatorChat(server, TOKEN, 2001, "Deputy", { events });
      await deputy.text("/inbox");
      const page = await deputy.waitFor("ib:1");
      expect(page.buttons.filter((b) => b.data.startsWith("c:"))).toHaveLength(10);
      await deputy.press("ib:1");
      const sent = deputy.received.length;
      for (let i = 0; i < 100 && !deputy.transcript.at(-1)?.includes("[◀"); i++) {
        await new Promise((r) => setTimeout(r, 50));
        await deputy.poll();
      }
      expect(deputy.received.length).toBe(sent); // no new message: the page was edited
      expect(
        deputy.received.find((m) => m.messageId === page.messageId)?.buttons.map((b) => b.data),
      ).toContain("ib:0");
      expect(deputy.transcript.join("\n")).toContain("  bot ✎ ");
      expect(await program.stop()).toBe(0);
    } finally {
      await program.stop("SIGKILL");
    }
  }, 120_000);
});
