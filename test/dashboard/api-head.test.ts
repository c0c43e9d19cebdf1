/**
 * Issue 18, the server side: every route of contract.ts for the head of institution A, through the real
 * handler on a real HTTP server over a seeded database; filters, search and paging; a document and an
 * attachment sent to the head's chat through the fake Bot API, protected and audited; CSV with the init data
 * in the header and in ?tma=.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { CaseDetail, CasesResponse, Me, Statistics, TasksResponse } from "../../src/dashboard/contract";
import { auditEvents } from "../../src/db/schema";
import { useDashboard } from "./support/api-harness";
import { type Seeded, seedDashboard } from "./support/api-seed";

describe("the dashboard's API for a head (issue 18)", () => {
  const d = useDashboard();
  let s: Seeded;
  beforeEach(async () => {
    s = await seedDashboard(d.current.db);
  });

  it("/api/me: who, what the menu shows, every text in the head's language", async () => {
    const res = await d.current.get("/api/me", s.head.tg);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    const me = res.json as Me;
    expect(me).toMatchObject({
      lang: "ru",
      name: "Бастық Б.Б.",
      institution: { id: s.a.id, name: "Академия КНБ" },
      roles: ["head"],
      can: { tasks: true, cases: true, stats: true, hq: false },
      institutions: [],
    });
    expect(me.strings.menu_button).toBe("Панель управления");
    expect(me.strings["document.draft_order"]).toBe("Проект приказа");
    expect(me.labels.ground.own_will).toBe("по собственному желанию (гл. 4)");
    expect(me.labels.step.instruct).toBeTruthy();
    expect(me.labels.role.deputy_personnel).toBeTruthy();
    expect(Object.keys(me.labels.state).sort()).toEqual(
      ["approved", "closed", "open", "rejected", "returned", "sent_back", "withdrawn"].sort(),
    );
    // D10: an official who never chose a language follows the Telegram app's (from the init data).
    const en = await d.current.get("/api/me", d.current.initData(s.personnel.tg, { lang: "kk" }));
    expect((en.json as Me).lang).toBe("kk");
  });

  it("/api/tasks: the head's pending steps, most overdue first, due dates in words", async () => {
    const res = await d.current.get("/api/tasks", s.head.tg);
    expect(res.status).toBe(200);
    const { tasks } = res.json as TasksResponse;
    // The cl. 20 instruction of every open own-will or contract-refusal case of A; the head decides nothing yet.
    expect(tasks.every((t) => t.step === "instruct" || t.step === "decide")).toBe(true);
    expect(tasks.map((t) => t.caseId)).not.toContain(s.cases.otherInstitution);
    expect(tasks.map((t) => t.caseId)).not.toContain(s.cases.purged);
    const first = tasks[0]!;
    expect(first).toMatchObject({
      caseId: s.cases.overdue,
      step: "instruct",
      ground: "own_will",
      category: "cadet",
      learner: "Иванов Иван Иванович",
      dueKind: "statutory",
      dueOn: "2026-03-04",
    });
    expect(first.overdueDays).toBeGreaterThan(5);
    expect(first.dueText).toContain("установленный срок 04.03.2026 (п. 20)");
    expect(first.dueText).toContain("просрочено");
    expect(tasks.slice(1).every((t) => t.overdueDays === 0)).toBe(true);
    // Then by due date and case number.
    const rest = tasks.slice(1).map((t) => `${t.dueOn}:${String(t.caseId).padStart(4, "0")}`);
    expect(rest).toEqual([...rest].sort());
  });

  it("/api/cases: newest first, 20 a page, filters, search by name or number, purged names as —", async () => {
    const page1 = (await d.current.get("/api/cases", s.head.tg)).json as CasesResponse;
    expect(page1.total).toBe(25); // every case of A, none of B
    expect(page1.pageSize).toBe(20);
    expect(page1.page).toBe(1);
    expect(page1.items).toHaveLength(20);
    expect(page1.facets.faculties).toEqual(["Әскери", "Заң", "Тергеу"]); // as a Kazakh reader sorts them
    expect(page1.facets.courses).toEqual(["1", "2", "3", "4"]);
    const page2 = (await d.current.get("/api/cases?page=2", s.head.tg)).json as CasesResponse;
    expect(page2.items).toHaveLength(5);
    expect(page2.page).toBe(2);
    const all = [...page1.items, ...page2.items];
    expect(new Set(all.map((c) => c.id)).size).toBe(25);
    expect(all.map((c) => c.id)).not.toContain(s.cases.otherInstitution);
    // Newest first: the case filed on 2 March is last.
    expect(all.at(-1)!.id).toBe(s.cases.overdue);
    const page9 = (await d.current.get("/api/cases?page=9", s.head.tg)).json as CasesResponse;
    expect(page9).toMatchObject({ items: [], total: 25, page: 9 });

    const purged = all.find((c) => c.id === s.cases.purged)!;
    expect(purged).toMatchObject({
      learner: "—",
      personalNumber: "—",
      state: "withdrawn",
      currentStep: null,
    });
    const overdue = all.find((c) => c.id === s.cases.overdue)!;
    expect(overdue).toMatchObject({
      learner: "Иванов Иван Иванович",
      personalNumber: "AK-0001",
      faculty: "Заң",
      course: "1",
      ground: "own_will",
      category: "cadet",
      state: "open",
      registeredOn: "2026-03-02",
      currentStep: "interview", // the first pending step, in the order opened
      overdue: true,
    });

    const list = async (q: string) =>
      ((await d.current.get(`/api/cases?${q}`, s.head.tg)).json as CasesResponse).items;
    const ids = async (q: string) => (await list(q)).map((c) => c.id).sort((x, y) => x - y);
    expect(await ids("overdue=1")).toEqual([s.cases.overdue]);
    expect(await ids("ground=contract_refusal")).toEqual([s.cases.kazakh]);
    expect(await ids("ground=citizenship&category=cadet")).toEqual([s.cases.citizenship]);
    expect(await ids("state=withdrawn")).toEqual([s.cases.purged]);
    expect(await ids("faculty=Тергеу")).toEqual([s.cases.kazakh, s.cases.citizenship].sort((x, y) => x - y));
    expect(await ids("faculty=Заң&course=2")).toEqual([s.cases.failure]);
    // Search: part of a name in any case, or the personal number; only this institution's.
    expect(await ids(`q=${encodeURIComponent("иванов")}`)).toEqual([s.cases.overdue]);
    expect(await ids(`q=${encodeURIComponent("ПЕТРОВ пётр")}`)).toEqual([s.cases.kazakh]);
    expect(await ids("q=ak-0003")).toEqual([s.cases.citizenship]);
    expect(await ids(`q=${encodeURIComponent("Басқа")}`)).toEqual([]);
    expect(await ids("q=%25")).toEqual([]); // a LIKE wildcard is only a character
    expect(await ids(`q=${encodeURIComponent("Жоғалған")}`)).toEqual([]); // purged (D8): the name is gone
    // Empty values are no filter; unknown parameters are ignored.
    expect((await list("ground=&q=&x=1")).length).toBe(20);

    for (const bad of [
      "ground=nope",
      "state=open2",
      "overdue=yes",
      "page=0",
      "page=abc",
      `q=${"x".repeat(101)}`,
    ]) {
      const res = await d.current.get(`/api/cases?${bad}`, s.head.tg);
      expect([res.status, res.json], bad).toEqual([400, { error: "bad_request" }]);
    }
  });

  it("/api/cases/:id: the stored report, the timeline with who and when, documents, attachments", async () => {
    const res = await d.current.get(`/api/cases/${s.cases.overdue}`, s.head.tg);
    expect(res.status).toBe(200);
    const c = res.json as CaseDetail;
    expect(c).toMatchObject({
      id: s.cases.overdue,
      learner: "Иванов Иван Иванович",
      personalNumber: "AK-0001",
      ground: "own_will",
      category: "cadet",
      state: "open",
      registeredOn: "2026-03-02",
      attachments: [],
    });
    // D12: the report as stored, as plain text (no Telegram HTML).
    expect(c.report).toContain("РАПОРТ");
    expect(c.report).toContain("Отбасылық жағдайыма байланысты");
    expect(c.report).not.toMatch(/<\/?b>|&amp;|&lt;/);
    const byStep = new Map(c.timeline.map((e) => [e.step, e]));
    expect(byStep.get("endorse")).toMatchObject({
      role: "deputy_personnel",
      state: "done",
      openedOn: "2026-03-02",
      doneAt: "2026-03-03T10:00:00+05:00",
      doneBy: "Орынбасар К.К. (заместитель начальника, курирующий кадровую работу)",
      result: "поддерживает",
    });
    expect(byStep.get("instruct")).toMatchObject({
      state: "pending",
      doneAt: null,
      doneBy: null,
      result: null,
    });
    expect(byStep.get("instruct")!.dueText).toContain("просрочено");
    expect(c.documents).toEqual([
      { key: "report", title: "Рапорт" },
      { key: "draft_order", title: "Проект приказа" },
    ]);

    // Ch. 5 with the Decree: a photo to send, and pages on paper listed.
    const cit = (await d.current.get(`/api/cases/${s.cases.citizenship}`, s.head.tg)).json as CaseDetail;
    expect(cit.attachments.map((a) => [a.media, a.title])).toEqual([
      ["photo", expect.stringContaining("Указ")],
      ["paper", expect.stringMatching(/на бумаге, листов: 3$/)],
    ]);
    // An official's filing is named for what it is (issue 16).
    const filing = (await d.current.get(`/api/cases/${s.cases.failure}`, s.head.tg)).json as CaseDetail;
    expect(filing.documents[0]).toEqual({ key: "report", title: "Представление (рапорт)" });
    expect(filing.report).toContain("ПРЕДСТАВЛЕНИЕ (РАПОРТ)");
    expect(filing.attachments.map((a) => a.media)).toEqual(["pdf", "paper"]);

    // D8: a purged case is still there, without personal data.
    const purged = (await d.current.get(`/api/cases/${s.cases.purged}`, s.head.tg)).json as CaseDetail;
    expect(purged).toMatchObject({
      learner: "—",
      personalNumber: "—",
      report: null,
      documents: [],
      attachments: [],
    });

    expect((await d.current.get("/api/cases/999999", s.head.tg)).status).toBe(404);
    expect((await d.current.get("/api/cases/0", s.head.tg)).json).toEqual({ error: "not_found" });
    expect((await d.current.get("/api/cases/abc", s.head.tg)).status).toBe(404);
  });

  it("POST /api/cases/:id/send: the file goes to the head's own chat, protected, and is audited", async () => {
    const { tg } = d.current;
    const res = await d.current.post(`/api/cases/${s.cases.overdue}/send`, s.head.tg, {
      kind: "document",
      key: "report",
    });
    expect([res.status, res.json]).toEqual([200, { sent: true }]);
    const [doc] = tg.sent("sendDocument");
    expect(doc).toMatchObject({ chat_id: s.head.tg.id, protect_content: true });
    expect(tg.filesTo(s.head.tg.id)[0]!.filename).toMatch(/^Рапорт_Иванов_И_И_№\d+\.docx$/);
    const audited = await d.current.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "case.documents_sent"), eq(auditEvents.caseId, s.cases.overdue)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      actorOfficialId: s.head.official.id,
      details: { kinds: ["report"], via: "webapp" },
    });

    // An attachment: re-sent by its file id, captioned, protected.
    const cit = (await d.current.get(`/api/cases/${s.cases.citizenship}`, s.head.tg)).json as CaseDetail;
    const photo = cit.attachments.find((a) => a.media === "photo")!;
    const sent = await d.current.post(`/api/cases/${s.cases.citizenship}/send`, s.head.tg, {
      kind: "attachment",
      id: photo.id,
    });
    expect(sent.status).toBe(200);
    expect(tg.sent("sendPhoto")).toEqual([
      expect.objectContaining({ chat_id: s.head.tg.id, photo: "PHOTO-DECREE", protect_content: true }),
    ]);
    const [att] = await d.current.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "case.attachments_sent"));
    expect(att).toMatchObject({
      caseId: s.cases.citizenship,
      details: { attachmentIds: [photo.id], via: "webapp" },
    });

    // Nothing to send: a paper document, another case's attachment, a document the case has not got yet.
    const paper = cit.attachments.find((a) => a.media === "paper")!;
    for (const [caseId, body] of [
      [s.cases.citizenship, { kind: "attachment", id: paper.id }],
      [s.cases.overdue, { kind: "attachment", id: photo.id }],
      [s.cases.overdue, { kind: "document", key: "letter" }],
    ] as const) {
      const r = await d.current.post(`/api/cases/${caseId}/send`, s.head.tg, body);
      expect([r.status, r.json]).toEqual([404, { error: "not_found" }]);
    }
    // A malformed body.
    for (const body of [
      { kind: "document", key: "passport" },
      { kind: "photo" },
      "x",
      { kind: "attachment", id: -1 },
    ]) {
      const r = await d.current.post(`/api/cases/${s.cases.overdue}/send`, s.head.tg, body);
      expect(r.status).toBe(400);
    }
    const notJson = await d.current.request("POST", `/api/cases/${s.cases.overdue}/send`, s.head.tg, {
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    const huge = await d.current.request("POST", `/api/cases/${s.cases.overdue}/send`, s.head.tg, {
      body: JSON.stringify({ kind: "document", key: "report", pad: "x".repeat(10_000) }),
    });
    expect(huge.status).toBe(400);
    expect(tg.sent("sendDocument")).toHaveLength(1);

    // Telegram refuses (the head blocked the bot): 500, said in words by the page; nothing audited.
    tg.failNext(
      1,
      { kind: "http", code: 403, description: "Forbidden: bot was blocked by the user" },
      "sendDocument",
    );
    const refused = await d.current.post(`/api/cases/${s.cases.overdue}/send`, s.head.tg, {
      kind: "document",
      key: "draft_order",
    });
    expect([refused.status, refused.json]).toEqual([500, { error: "internal" }]);
  });

  it("/api/stats and its CSV (header and ?tma=): the institution's own statistics", async () => {
    const res = await d.current.get("/api/stats", s.head.tg);
    expect(res.status).toBe(200);
    const st = res.json as Statistics;
    expect(st.asOf).toBe("2026-03-20");
    expect(new Set(st.states.map((r) => r.institutionId))).toEqual(new Set([s.a.id]));
    expect(st.states.reduce((n, r) => n + r.count, 0)).toBe(25);
    const explicit = await d.current.get(`/api/stats?institution=${s.a.id}`, s.head.tg);
    expect(explicit.json).toEqual(st);

    const csv = await d.current.get(`/api/stats.csv?table=states&institution=${s.a.id}`, s.head.tg);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe(`attachment; filename="states-${s.a.id}-2026-03-20.csv"`);
    expect(csv.raw.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])); // the BOM, for Excel
    expect(csv.text).toContain("Учебное заведение");
    expect(csv.text).toContain("по собственному желанию (гл. 4)");

    // Telegram's downloadFile fetches the address without our header: the init data ride in ?tma=.
    const data = encodeURIComponent(d.current.initData(s.head.tg));
    const viaQuery = await d.current.get(`/api/stats.csv?table=monthly&tma=${data}`, null);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.text).toContain("2026-03");
    // Only there: the other routes do not read ?tma=.
    expect((await d.current.get(`/api/stats?tma=${data}`, null)).status).toBe(401);
    expect((await d.current.get(`/api/stats.csv?table=nope&tma=${data}`, null)).status).toBe(400);
    expect((await d.current.get(`/api/stats?institution=x`, s.head.tg)).status).toBe(400);
    // HQ's route is not the head's.
    expect((await d.current.get("/api/hq/stats", s.head.tg)).json).toEqual({ error: "forbidden" });
  });
});
