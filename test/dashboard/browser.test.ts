/**
 * Issue 18, done when: the Mini App in headless Chromium (Debian's package, driven by playwright-core) over
 * the real handler and a seeded database, at a phone's size. A head checks tasks, filters cases, opens a
 * case and has a document sent, reads a statistic and exports CSV; forged, expired and other-institution
 * init data get the page's error in words and every call refused, and nothing of the other institution
 * shows. Each page is written as a screenshot to docs/screenshots/dashboard/ (the README names it).
 */

import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { sign } from "@telegram-apps/init-data-node";
import { eq } from "drizzle-orm";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../locales/en.json";
import kk from "../../locales/kk.json";
import ru from "../../locales/ru.json";
import { fixedClock } from "../../src/clock";
import { createDashboardHandler } from "../../src/dashboard/server";
import { students, users } from "../../src/db/schema";
import { createLogger } from "../../src/logger";
import { resetDatabase, testDatabase } from "../support/db";
import { Harness, type TgUser } from "../support/harness";
import { NOW, OTHER, type Seeded, seedDashboard } from "./support/browser-seed";

const TOKEN = "42:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz";
const CHROMIUM = "/usr/bin/chromium";
const SHOTS = new URL("../../docs/screenshots/dashboard/", import.meta.url);
const TEXTS = { kk: kk.webapp, ru: ru.webapp, en: en.webapp };
/** Telegram's day theme, as a client passes it in tgWebAppThemeParams. */
const THEME = {
  bg_color: "#ffffff",
  secondary_bg_color: "#efeff4",
  section_bg_color: "#ffffff",
  text_color: "#000000",
  hint_color: "#8e8e93",
  link_color: "#2481cc",
  button_color: "#2481cc",
  button_text_color: "#ffffff",
  header_bg_color: "#ffffff",
  accent_text_color: "#2481cc",
  destructive_text_color: "#e53935",
};

/** Waits for what the page shows after an answer of the API (a loaded CI machine is slow). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 100 });

let h: Harness;
let seeded: Seeded;
let server: Server;
let base: string;
let browser: Browser;

/** Init data as Telegram signs it: the user, and auth_date `ageSeconds` before the handler's "now". */
function initData(tg: TgUser, lang: string, opts: { ageSeconds?: number; token?: string } = {}): string {
  const authDate = new Date(new Date(NOW).getTime() - (opts.ageSeconds ?? 60) * 1000);
  return sign(
    {
      user: { id: tg.id, first_name: tg.first_name, language_code: lang },
      query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
      chat_type: "sender",
      chat_instance: "-1",
    },
    opts.token ?? TOKEN,
    authDate,
  );
}

/** Telegram's night theme. */
const DARK = {
  bg_color: "#212121",
  secondary_bg_color: "#181818",
  section_bg_color: "#2a2a2a",
  text_color: "#ffffff",
  hint_color: "#aaaaaa",
  link_color: "#8774e1",
  button_color: "#8774e1",
  button_text_color: "#ffffff",
  header_bg_color: "#212121",
  accent_text_color: "#8774e1",
  destructive_text_color: "#ff595a",
};

function appUrl(data: string, extra = "", theme: Record<string, string> = THEME): string {
  const hash = new URLSearchParams({
    tgWebAppData: data,
    tgWebAppThemeParams: JSON.stringify(theme),
    tgWebAppVersion: "8.0",
    tgWebAppPlatform: "web",
  });
  return `${base}/app/#${hash.toString()}${extra}`;
}

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Every answer of /api/ the page got: path and status. */
  calls: { path: string; status: number }[];
  errors: string[];
}

/** A phone (390×844) opening the Mini App; `telegram` adds a webview bridge that records posted events. */
async function open(
  data: string,
  opts: { telegram?: boolean; extra?: string; theme?: Record<string, string> } = {},
): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    acceptDownloads: true,
  });
  // A step that fails says which element it waited for, well within the test's own time.
  context.setDefaultTimeout(10_000);
  if (opts.telegram) {
    await context.addInitScript(
      "window.__events = []; window.TelegramWebviewProxy = { postEvent: (name, data) => window.__events.push([name, data ? JSON.parse(data) : null]) };",
    );
  }
  const page = await context.newPage();
  const calls: Opened["calls"] = [];
  const errors: string[] = [];
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/")) calls.push({ path: u.pathname + u.search, status: r.status() });
  });
  page.on("pageerror", (e) => errors.push(e.message));
  // The Content-Security-Policy (src/dashboard/static.ts) holds: nothing the page does is refused by it.
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(appUrl(data, opts.extra, opts.theme));
  return { page, context, calls, errors };
}

async function shot(page: Page, name: string) {
  await page.evaluate("document.fonts.ready");
  // The whole page, cut at about two screens: a long list says no more below that.
  const height = Math.min(Number(await page.evaluate("document.documentElement.scrollHeight")), 1800);
  await page.screenshot({
    path: new URL(`${name}.png`, SHOTS).pathname,
    fullPage: true,
    clip: { x: 0, y: 0, width: 390, height },
  });
}

/** No page is wider than the phone (no sideways scrolling). */
async function expectNoSideScroll(page: Page) {
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
}

/** An API call from outside the page, with the given init data. */
function call(path: string, data: string | null, init: RequestInit = {}) {
  return fetch(`${base}${path}`, {
    ...init,
    headers: {
      ...(data === null ? {} : { authorization: `tma ${data}` }),
      "content-type": "application/json",
    },
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  const database = await testDatabase();
  await resetDatabase(database);
  h = new Harness(database, fixedClock(NOW));
  seeded = await seedDashboard(h);
  const handler = createDashboardHandler({
    db: h.db,
    botToken: TOKEN,
    api: h.api,
    clock: h.clock,
    log: createLogger("silent"),
    authMaxAgeSeconds: 3600,
  });
  server = createServer((req, res) => {
    handler(req, res).then(
      (handled) => handled || res.writeHead(404).end(),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe("the dashboard in a phone's browser (issue 18)", { timeout: 90_000 }, () => {
  it("a head (Russian): tasks, cases filtered and searched, a case with a document sent to the chat", async () => {
    const t = TEXTS.ru;
    const data = initData(seeded.head.tg, "ru");
    const { page, context, calls, errors } = await open(data);

    // My tasks, overdue first, each due text as the server wrote it.
    await page.locator("[data-page=tasks] .card").first().waitFor();
    const tasks = (await (await call("/api/tasks", data)).json()) as {
      tasks: { caseId: number; dueText: string; overdueDays: number }[];
    };
    expect(tasks.tasks.length).toBeGreaterThan(3);
    expect(tasks.tasks[0]!.overdueDays).toBeGreaterThan(0);
    const cards = page.locator("[data-page=tasks] .card");
    expect(await cards.count()).toBe(tasks.tasks.length);
    for (const [i, task] of tasks.tasks.entries()) {
      await poll(() => cards.nth(i).textContent()).toContain(task.dueText);
      expect(await cards.nth(i).getAttribute("class")).toContain(task.overdueDays > 0 ? "overdue" : "card");
    }
    expect(await cards.first().textContent()).toContain(t.overdue_badge);
    await poll(() => page.title()).toBe(t.title);
    await expectNoSideScroll(page);
    await shot(page, "tasks-ru");

    // Cases: a faculty, then a name; the other institution's learner is nowhere.
    await page.click("[data-tab=cases]");
    await page.locator("[data-page=cases] .card").first().waitFor();
    expect(await page.locator("[data-total]").getAttribute("data-total")).toBe(String(seeded.caseIds.length));
    await shot(page, "cases-ru");
    await page.click(".filter-box summary");
    await page.selectOption("select[name=faculty]", "Ақпараттық қауіпсіздік факультеті");
    await poll(() => page.locator("[data-total]").getAttribute("data-total")).toBe("3");
    expect(await page.locator("[data-page=cases] .card").count()).toBe(3);
    await page.fill("input[name=q]", "Қасымова");
    await page.press("input[name=q]", "Enter");
    await poll(() => page.locator("[data-page=cases] .card").count()).toBe(1);
    expect(await page.locator("[data-page=cases] .card").textContent()).toContain("Қасымова Әсел Дәуренқызы");
    await page.click(`button.reset:has-text("${t.filters_reset}")`);
    await poll(() => page.locator("[data-total]").getAttribute("data-total")).toBe(
      String(seeded.caseIds.length),
    );
    await page.fill("input[name=q]", OTHER.name.split(" ")[0]!);
    await page.press("input[name=q]", "Enter");
    await poll(() => page.locator("[data-total]").getAttribute("data-total")).toBe("0");
    expect(await page.locator("[data-page=cases]").textContent()).toContain(t.cases_empty);
    await page.click(`button.reset:has-text("${t.filters_reset}")`);
    await page.fill("input[name=q]", "Серікбаев");
    await page.press("input[name=q]", "Enter");
    await poll(() => page.locator("[data-page=cases] .card").count()).toBe(1);

    // The case page: the report, the timeline with who did what, the documents; a tap sends one.
    await page.click(`[data-case="${seeded.walkedCaseId}"]`);
    await page.locator("[data-page=case] .timeline").waitFor();
    const caseText = (await page.locator("[data-page=case]").textContent()) ?? "";
    expect(caseText).toContain("Серікбаев Айбек Нұрланұлы");
    expect(caseText).toContain("Отбасылық жағдайыма байланысты");
    expect(caseText).toContain(seeded.deputy.name);
    expect(await page.locator("[data-page=case] .step-done").count()).toBeGreaterThan(1);
    const send = page.locator("[data-send^='doc:']").first();
    const before = h.tg.sent("sendDocument", seeded.head.tg.id).length;
    await send.click();
    await poll(() => page.locator(".notice").textContent()).toBe(t.sent);
    expect(h.tg.sent("sendDocument", seeded.head.tg.id).length).toBe(before + 1);
    await expectNoSideScroll(page);
    await shot(page, "case-ru");

    // Back to the list, where the search still stands.
    await page.click(`button.back`);
    await poll(() => page.locator("[data-page=cases] .card").count()).toBe(1);

    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a head reads a statistic, and exports its table as CSV from the browser and through Telegram", async () => {
    const t = TEXTS.ru;
    const data = initData(seeded.head.tg, "ru");

    // A plain browser: the link downloads the file.
    const plain = await open(data);
    await plain.page.click("[data-tab=stats]");
    const states = plain.page.locator("[data-page=stats] [data-table=states]");
    await states.locator("canvas").waitFor();
    expect(await plain.page.locator("[data-page=stats] canvas").count()).toBe(5);
    // Two learners withdrew: the states table says so in its row.
    await states.locator("summary").click();
    const withdrawn = states.locator("tr", { hasText: ru.state.withdrawn });
    expect(await withdrawn.locator("td.num").textContent()).toBe("2");
    await expectNoSideScroll(plain.page);
    await shot(plain.page, "stats-ru");
    const [download] = await Promise.all([
      plain.page.waitForEvent("download"),
      plain.page.click("[data-table=states] [data-csv=states]"),
    ]);
    const csv = await readFile(await download.path(), "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff); // a BOM, so Excel reads Cyrillic
    expect(csv).toContain(ru.state.withdrawn);
    expect(csv).not.toContain(OTHER.name);
    expect(download.suggestedFilename()).toMatch(/states.*\.csv$/);
    await plain.context.close();

    // Inside Telegram (Bot API 8.0): the page asks the client to download the same address.
    const tg = await open(data, { telegram: true });
    await tg.page.click("[data-tab=stats]");
    await tg.page.locator("[data-table=monthly] [data-csv=monthly]").click();
    const events = (await tg.page.evaluate("window.__events")) as [string, Record<string, string> | null][];
    expect(events.map((e) => e[0])).toEqual(expect.arrayContaining(["web_app_ready", "web_app_expand"]));
    const request = events.find((e) => e[0] === "web_app_request_file_download")?.[1];
    expect(request?.file_name).toBe(`monthly-${seeded.institutionId}-2026-03-20.csv`);
    const url = new URL(request!.url!);
    expect(url.searchParams.get("table")).toBe("monthly");
    expect(url.searchParams.get("tma")).toBe(data);
    // Telegram fetches it without our headers: the init data in the address is what lets it through.
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const monthly = await res.text();
    expect(monthly).toMatch(/2026-0[123]/);
    expect(t.csv_download).toBeTruthy();
    expect(await tg.page.locator("[data-csv]").first().textContent()).toBe(t.csv_download);
    await tg.context.close();
  });

  it("a deputy head reading Kazakh: every page in Kazakh", async () => {
    const t = TEXTS.kk;
    const { page, context, calls, errors } = await open(initData(seeded.deputy.tg, "kk"));
    await page.locator("[data-page=tasks] .card").first().waitFor();
    expect(await page.locator(".tabs").textContent()).toContain(t.tab_tasks);
    await poll(() => page.title()).toBe(t.title);
    await shot(page, "tasks-kk");
    await page.click("[data-tab=cases]");
    await page.locator("[data-page=cases] .card").first().waitFor();
    await page.click(".filter-box summary");
    await page.check("input[name=overdue]");
    await poll(() => page.locator("[data-page=cases] .card:not(.overdue)").count()).toBe(0);
    expect(await page.locator("[data-page=cases] .card.overdue").count()).toBeGreaterThan(0);
    await expectNoSideScroll(page);
    await shot(page, "cases-kk");
    await page.locator("[data-page=cases] .card").first().click();
    await page.locator("[data-page=case] .timeline").waitFor();
    expect(await page.locator("[data-page=case] h3").first().textContent()).toBe(t.documents);
    await shot(page, "case-kk");
    await page.click("[data-tab=stats]");
    await page.locator("[data-page=stats] canvas").first().waitFor();
    expect(await page.locator("[data-page=stats] h2").first().textContent()).toBe(t.table_states);
    await expectNoSideScroll(page);
    await shot(page, "stats-kk");
    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("an HQ viewer: institutions side by side, counts only, no tab with names", async () => {
    for (const lang of ["ru", "kk"] as const) {
      const { page, context, errors } = await open(initData(seeded.hq, lang));
      await page.locator("[data-page=hq] canvas").first().waitFor();
      const tabs = page.locator(".tabs [data-tab]");
      expect(await tabs.count()).toBe(1);
      expect(await tabs.getAttribute("data-tab")).toBe("hq");
      const text = (await page.locator("body").textContent()) ?? "";
      expect(text).toContain(TEXTS[lang].hq_note);
      expect(text).toContain(lang === "ru" ? "Пограничная академия КНБ" : "ҰҚК Шекара академиясы");
      for (const name of [OTHER.name, OTHER.personalNumber, "Серікбаев", "Қасымова"])
        expect(text).not.toContain(name);
      await expectNoSideScroll(page);
      await shot(page, `hq-${lang}`);
      // Each table of every institution as CSV: institution and counts, no names.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("[data-table=states] [data-csv=states]"),
      ]);
      expect(download.suggestedFilename()).toBe("states-all-2026-03-20.csv");
      const csv = await readFile(await download.path(), "utf8");
      expect(csv).toContain(`\n${seeded.otherInstitutionId},`);
      for (const name of [OTHER.name, OTHER.personalNumber, "Серікбаев"]) expect(csv).not.toContain(name);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it("forged or expired init data: the page says to reopen it from the bot, and every call is 401", async () => {
    const forged = initData(seeded.head.tg, "ru", { token: "42:ANOTHER_TOKEN_abcdefghijklmnopqrstu" });
    // Signed, then one field changed: the signature no longer matches.
    const tampered = initData(seeded.head.tg, "ru").replace(
      /auth_date=(\d+)/,
      (_, d) => `auth_date=${Number(d) + 1}`,
    );
    expect(tampered).not.toBe(initData(seeded.head.tg, "ru"));
    const expired = initData(seeded.head.tg, "kk", { ageSeconds: 2 * 3600 });
    for (const [data, lang, name] of [
      [forged, "ru", "error-ru"],
      [tampered, "ru", null],
      [expired, "kk", "error-kk"],
    ] as const) {
      expect((await call("/api/me", data)).status, name ?? "tampered").toBe(401);
      const { page, context, calls } = await open(data);
      await page.locator("[role=alert]").waitFor();
      expect(await page.locator("[role=alert]").getAttribute("data-error")).toBe("unauthorized");
      expect(await page.locator("[role=alert] p").textContent()).toBe(TEXTS[lang].error_unauthorized);
      expect(calls).toEqual([{ path: "/api/me", status: 401 }]);
      if (name) await shot(page, name);
      await context.close();
      for (const path of [
        "/api/me",
        "/api/tasks",
        "/api/cases",
        `/api/cases/${seeded.walkedCaseId}`,
        "/api/hq/stats",
      ]) {
        expect((await call(path, data)).status, path).toBe(401);
      }
      expect((await call(`/api/stats?institution=${seeded.institutionId}`, data)).status).toBe(401);
      expect(
        (
          await call(
            `/api/stats.csv?table=states&institution=${seeded.institutionId}&tma=${encodeURIComponent(data)}`,
            null,
          )
        ).status,
      ).toBe(401);
      const sent = await call(`/api/cases/${seeded.walkedCaseId}/send`, data, {
        method: "POST",
        body: JSON.stringify({ kind: "document", key: "report" }),
      });
      expect(sent.status).toBe(401);
    }
    // No init data at all (opened outside Telegram): the page says the same, in Kazakh by default (D10).
    const { page, context } = await open("");
    await page.locator("[role=alert]").waitFor();
    expect(await page.locator("[role=alert] p").textContent()).toBe(TEXTS.kk.error_unauthorized);
    await context.close();
  });

  it("another institution's head: our case is not found, our statistics are refused, and nothing of ours shows", async () => {
    const data = initData(seeded.otherHead.tg, "ru");
    // A link to our case (startapp=case_N) opens a page that says it is not there.
    const linked = await open(data, { extra: `&tgWebAppStartParam=case_${seeded.walkedCaseId}` });
    await linked.page.locator("[role=alert]").waitFor();
    expect(await linked.page.locator("[role=alert] p").textContent()).toBe(TEXTS.ru.error_not_found);
    expect(linked.calls).toContainEqual({ path: `/api/cases/${seeded.walkedCaseId}`, status: 404 });
    await shot(linked.page, "not-found-ru");
    await linked.context.close();

    expect((await call(`/api/cases/${seeded.walkedCaseId}`, data)).status).toBe(404);
    const sent = await call(`/api/cases/${seeded.walkedCaseId}/send`, data, {
      method: "POST",
      body: JSON.stringify({ kind: "document", key: "report" }),
    });
    expect(sent.status).toBe(404);
    expect((await call(`/api/stats?institution=${seeded.institutionId}`, data)).status).toBe(403);
    expect((await call(`/api/hq/stats`, data)).status).toBe(403);
    const csv = `/api/stats.csv?table=states&institution=${seeded.institutionId}&tma=${encodeURIComponent(data)}`;
    expect((await call(csv, null)).status).toBe(403);

    // Their own pages: their own case, none of ours.
    const own = await open(data);
    await own.page.click("[data-tab=cases]");
    await own.page.locator("[data-page=cases] .card").first().waitFor();
    expect(await own.page.locator("[data-page=cases] .card").count()).toBe(1);
    const text = (await own.page.locator("body").textContent()) ?? "";
    expect(text).toContain(OTHER.name);
    for (const name of ["Серікбаев", "Қасымова", "Ахметов Ерлан", "PN-0001"])
      expect(text).not.toContain(name);
    await own.context.close();
  });

  it("Telegram's night theme: the page takes its colours", async () => {
    const { page, context } = await open(initData(seeded.head.tg, "ru"), { theme: DARK });
    await page.locator("[data-page=tasks] .card").first().waitFor();
    expect(await page.evaluate("getComputedStyle(document.body).backgroundColor")).toBe("rgb(24, 24, 24)");
    expect(await page.evaluate("getComputedStyle(document.querySelector('.card')).color")).toBe(
      "rgb(255, 255, 255)",
    );
    await page.click("[data-tab=stats]");
    await page.locator("[data-page=stats] canvas").first().waitFor();
    await shot(page, "stats-dark-ru");
    await context.close();
  });

  it("a lost connection: the page says so in words, and a tap tries again", async () => {
    const t = TEXTS.ru;
    const { page, context } = await open(initData(seeded.head.tg, "ru"));
    await page.locator("[data-page=tasks] .card").first().waitFor();
    await page.route("**/api/cases**", (route) => route.abort("internetdisconnected"));
    await page.click("[data-tab=cases]");
    await page.locator("[role=alert]").waitFor();
    expect(await page.locator("[role=alert]").getAttribute("data-error")).toBe("network");
    expect(await page.locator("[role=alert] p").textContent()).toBe(t.error_network);
    await page.unroute("**/api/cases**");
    await page.click(`[role=alert] button:has-text("${t.retry}")`);
    await page.locator("[data-page=cases] .card").first().waitFor();
    await context.close();
  });

  it("a learner opening it is refused in words", async () => {
    const [learner] = await h.db
      .select({ telegramId: users.telegramId })
      .from(students)
      .innerJoin(users, eq(users.id, students.userId))
      .limit(1);
    const tg = { id: Number(learner!.telegramId), first_name: "L" };
    const { page, context, calls } = await open(initData(tg, "ru"));
    await page.locator("[role=alert]").waitFor();
    expect(await page.locator("[role=alert] p").textContent()).toBe(TEXTS.ru.error_forbidden);
    expect(calls).toEqual([{ path: "/api/me", status: 403 }]);
    await context.close();
  });
});
