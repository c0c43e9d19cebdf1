/**
 * Issue 18 and D16: who gets what from the dashboard's API. Init data missing, forged, tampered or too old:
 * 401 everywhere. Learners and strangers: 403 everywhere. Another institution's case: 404, its statistics:
 * 403. An official without the dashboard's roles: their tasks, and the pages of cases they took part in.
 * An acting delegate of a dashboard role: as the role. HQ: statistics of every institution, nothing with
 * names.
 */
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { act } from "../../src/cases/act";
import type { CaseDetail, CasesResponse, Me, Statistics, TasksResponse } from "../../src/dashboard/contract";
import { auditEvents, caseSteps, stepMessages } from "../../src/db/schema";
import { addHqViewer, removeHqViewer } from "../../src/people/hq-viewers";
import { addDelegation, endDelegation, revokeAccess } from "../../src/people/officials";
import { newUser } from "../support/harness";
import { MAX_AGE, useDashboard } from "./support/api-harness";
import { type Seeded, seedDashboard } from "./support/api-seed";

const OTHER_TOKEN = "42:ANOTHER_TOKEN_abcdefghijklmnopqrstu";

describe("D16: who sees what of the dashboard", () => {
  const d = useDashboard();
  let s: Seeded;
  /** Every route of contract.ts, for a case of institution A. */
  let routes: [method: "GET" | "POST", path: string][];
  beforeEach(async () => {
    s = await seedDashboard(d.current.db);
    routes = [
      ["GET", "/api/me"],
      ["GET", "/api/tasks"],
      ["GET", "/api/cases"],
      ["GET", `/api/cases/${s.cases.overdue}`],
      ["POST", `/api/cases/${s.cases.overdue}/send`],
      ["GET", `/api/stats?institution=${s.a.id}`],
      ["GET", `/api/stats.csv?table=states&institution=${s.a.id}`],
      ["GET", "/api/hq/stats"],
    ];
  });

  const call = (method: "GET" | "POST", path: string, who: Parameters<typeof d.current.get>[1]) =>
    method === "POST"
      ? d.current.post(path, who, { kind: "document", key: "report" })
      : d.current.get(path, who);

  it("401 without init data, with a forged or tampered signature, and with an auth_date too old", async () => {
    const h = d.current;
    const forged = h.initData(s.head.tg, { token: OTHER_TOKEN });
    const tampered = h.initData(s.head.tg).replace(/%22id%22%3A\d+/, `%22id%22%3A${s.headB.tg.id}`);
    const expired = h.initData(s.head.tg, { ageSeconds: MAX_AGE + 5 });
    const future = h.initData(s.head.tg, { ageSeconds: -600 });
    for (const [method, path] of routes)
      for (const who of [null, forged, tampered, expired, future, "", "garbage"]) {
        const res = await call(method, path, who);
        expect([res.status, res.json], `${method} ${path} ${String(who).slice(0, 20)}`).toEqual([
          401,
          { error: "unauthorized" },
        ]);
      }
    // Another scheme, or the init data in the query of a route that reads only the header.
    const good = h.initData(s.head.tg);
    expect((await h.get("/api/me", null, { authorization: `Bearer ${good}` })).status).toBe(401);
    expect((await h.get(`/api/me?tma=${encodeURIComponent(good)}`, null)).status).toBe(401);
    // Just young enough: served. The age is counted on the program's clock.
    expect((await h.get("/api/me", h.initData(s.head.tg, { ageSeconds: MAX_AGE - 5 }))).status).toBe(200);
    h.clock.advance(60_000);
    expect((await h.get("/api/me", h.initData(s.head.tg, { ageSeconds: MAX_AGE - 5 }))).status).toBe(200);
    const old = h.initData(s.head.tg, { ageSeconds: MAX_AGE - 5 });
    h.clock.advance(10_000);
    expect((await h.get("/api/me", old)).status).toBe(401);
    // Nothing was sent to anyone.
    expect(h.tg.sent("sendDocument")).toEqual([]);
  });

  it("403 on every call for a learner, a stranger and a revoked official", async () => {
    const stranger = newUser("Stranger");
    const revoked = s.personnel;
    await revokeAccess(
      d.current.db,
      { kind: "official", officialId: revoked.official.id },
      d.current.clock(),
    );
    for (const who of [s.learners.ivanov.tg, s.learners.other.tg, stranger, revoked.tg])
      for (const [method, path] of routes) {
        const res = await call(method, path, who);
        expect([res.status, res.json], `${method} ${path}`).toEqual([403, { error: "forbidden" }]);
      }
    expect(d.current.tg.calls.filter((c) => c.method.startsWith("send"))).toEqual([]);
  });

  it("another institution's head: our cases are not found (audited), our statistics refused, theirs served", async () => {
    const h = d.current;
    const them = s.headB.tg;
    for (const path of [`/api/cases/${s.cases.overdue}`, `/api/cases/${s.cases.citizenship}`]) {
      expect([(await h.get(path, them)).status, (await h.get(path, them)).json]).toEqual([
        404,
        { error: "not_found" },
      ]);
    }
    const sent = await h.post(`/api/cases/${s.cases.overdue}/send`, them, {
      kind: "document",
      key: "report",
    });
    expect(sent.status).toBe(404);
    expect(h.tg.sent("sendDocument")).toEqual([]);
    const refused = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "case.view_refused"));
    expect(refused.map((e) => (e.details as { caseId: number }).caseId).sort()).toEqual(
      [s.cases.overdue, s.cases.overdue, s.cases.citizenship, s.cases.citizenship, s.cases.overdue].sort(),
    );
    expect(refused.every((e) => e.actorOfficialId === s.headB.official.id)).toBe(true);

    expect((await h.get(`/api/stats?institution=${s.a.id}`, them)).json).toEqual({ error: "forbidden" });
    const tma = encodeURIComponent(h.initData(them));
    expect((await h.get(`/api/stats.csv?table=states&institution=${s.a.id}&tma=${tma}`, null)).status).toBe(
      403,
    );
    expect((await h.get("/api/stats?institution=all", them)).status).toBe(403);

    // Their own: one case, their statistics; nothing of A anywhere.
    const list = (await h.get("/api/cases", them)).json as CasesResponse;
    expect(list.items.map((c) => c.id)).toEqual([s.cases.otherInstitution]);
    expect(list.facets.faculties).toEqual(["Шекара"]);
    const st = (await h.get("/api/stats", them)).json as Statistics;
    expect(new Set(st.states.map((r) => r.institutionId))).toEqual(new Set([s.b.id]));
    const tasks = (await h.get("/api/tasks", them)).json as TasksResponse;
    expect(tasks.tasks.map((t) => t.caseId)).toEqual([s.cases.otherInstitution]);
    const me = (await h.get("/api/me", them)).json as Me;
    expect(me.institution).toEqual({ id: s.b.id, name: "ҰҚК Шекара академиясы" });
    for (const r of [list, st, tasks, me])
      expect(JSON.stringify(r)).not.toMatch(/Иванов|AK-000|Академия КНБ/);
  });

  it("an official without the dashboard's roles: tasks, and only the cases they took part in", async () => {
    const h = d.current;
    const academic = s.academic.tg;
    const me = (await h.get("/api/me", academic)).json as Me;
    expect(me.can).toEqual({ tasks: true, cases: false, stats: false, hq: false });
    expect(me.roles).toEqual(["deputy_academic"]);
    const tasks = (await h.get("/api/tasks", academic)).json as TasksResponse;
    expect(tasks.tasks.map((t) => [t.caseId, t.step])).toEqual([[s.cases.failure, "agree_academic"]]);
    for (const path of ["/api/cases", "/api/stats", `/api/stats?institution=${s.a.id}`, "/api/hq/stats"])
      expect((await h.get(path, academic)).status, path).toBe(403);
    const tma = encodeURIComponent(h.initData(academic));
    expect((await h.get(`/api/stats.csv?table=states&tma=${tma}`, null)).status).toBe(403);

    // The case whose step they hold: its page and its files.
    const page = await h.get(`/api/cases/${s.cases.failure}`, academic);
    expect(page.status).toBe(200);
    expect((page.json as CaseDetail).learner).toBe("Ахметов Ахмет");
    const sent = await h.post(`/api/cases/${s.cases.failure}/send`, academic, {
      kind: "document",
      key: "report",
    });
    expect(sent.status).toBe(200);
    expect(h.tg.filesTo(academic.id)).toHaveLength(1);
    // A case of their institution they have nothing to do with: 403 (not 404: it is theirs to know it exists).
    for (const id of [s.cases.overdue, s.cases.citizenship]) {
      expect((await h.get(`/api/cases/${id}`, academic)).json).toEqual({ error: "forbidden" });
      expect(
        (await h.post(`/api/cases/${id}/send`, academic, { kind: "document", key: "report" })).status,
      ).toBe(403);
    }
    // Once done, the step is still theirs to look back on ("held").
    const agree = (await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, s.cases.failure))).find(
      (x) => x.key === "agree_academic",
    )!;
    const done = await act(
      h.db,
      {
        stepId: agree.id,
        action: "agree",
        actor: { userId: s.academic.user.id, officialId: s.academic.official.id },
      },
      h.clock(),
    );
    expect(done.status).toBe("done");
    expect(((await h.get("/api/tasks", academic)).json as TasksResponse).tasks).toEqual([]);
    expect((await h.get(`/api/cases/${s.cases.failure}`, academic)).status).toBe(200);
    // The academic-methods head opened it (cl. 13): theirs too.
    expect((await h.get(`/api/cases/${s.cases.failure}`, s.methods.tg)).status).toBe(200);
    expect((await h.get(`/api/cases/${s.cases.overdue}`, s.methods.tg)).status).toBe(403);
  });

  it("an acting delegate of a dashboard role sees what the role sees, while the delegation runs", async () => {
    const h = d.current;
    const academic = s.academic.tg;
    const del = await addDelegation(
      h.db,
      {
        institutionId: s.a.id,
        role: "head",
        fromOfficialId: s.head.official.id,
        toOfficialId: s.academic.official.id,
        startsOn: "2026-03-16",
        endsOn: "2026-03-27",
      },
      h.clock(),
    );
    const me = (await h.get("/api/me", academic)).json as Me;
    expect(me.can).toEqual({ tasks: true, cases: true, stats: true, hq: false });
    expect(me.roles.sort()).toEqual(["deputy_academic", "head"]);
    expect((await h.get("/api/cases", academic)).status).toBe(200);
    expect((await h.get(`/api/cases/${s.cases.overdue}`, academic)).status).toBe(200);
    expect((await h.get("/api/stats", academic)).status).toBe(200);
    // The head's tasks are theirs too (inboxOf: own roles and delegations).
    const steps = ((await h.get("/api/tasks", academic)).json as TasksResponse).tasks.map((t) => t.step);
    expect(steps).toContain("instruct");
    await endDelegation(h.db, del.id, h.clock());
    expect((await h.get("/api/cases", academic)).status).toBe(403);
    expect((await h.get(`/api/cases/${s.cases.overdue}`, academic)).status).toBe(403);
    // A task card of the case reached them while they acted: they held a step of it, its page stays theirs.
    const [instruct] = (
      await h.db.select().from(caseSteps).where(eq(caseSteps.caseId, s.cases.overdue))
    ).filter((x) => x.key === "instruct");
    await h.db.insert(stepMessages).values({ stepId: instruct!.id, chatId: academic.id, messageId: 1 });
    expect((await h.get(`/api/cases/${s.cases.overdue}`, academic)).status).toBe(200);
    expect((await h.get(`/api/cases/${s.cases.kazakh}`, academic)).status).toBe(403);
  });

  it("HQ: every institution's statistics, no case list, no case page, no names", async () => {
    const h = d.current;
    const hq = newUser("HQ");
    await addHqViewer(h.db, hq.id, "Кадрлар департаменті", h.clock());
    const me = (await h.get("/api/me", h.initData(hq, { lang: "ru" }))).json as Me;
    expect(me).toMatchObject({
      lang: "ru",
      name: "Кадрлар департаменті",
      institution: null,
      roles: [],
      can: { tasks: false, cases: false, stats: false, hq: true },
      institutions: [
        { id: s.a.id, name: "Академия КНБ" },
        { id: s.b.id, name: "Пограничная академия КНБ" },
      ],
    });
    const all = (await h.get("/api/hq/stats", hq)).json as Statistics;
    expect(new Set(all.states.map((r) => r.institutionId))).toEqual(new Set([s.a.id, s.b.id]));
    for (const q of [`institution=${s.a.id}`, `institution=${s.b.id}`, "institution=all", ""]) {
      const res = await h.get(`/api/stats?${q}`, hq);
      expect(res.status, q).toBe(200);
    }
    expect(
      ((await h.get(`/api/stats?institution=${s.b.id}`, hq)).json as Statistics).states.every(
        (r) => r.institutionId === s.b.id,
      ),
    ).toBe(true);
    expect(((await h.get("/api/stats", hq)).json as Statistics).states).toEqual(all.states);
    expect((await h.get("/api/stats?institution=9999", hq)).status).toBe(404);
    const tma = encodeURIComponent(h.initData(hq));
    const csv = await h.get(`/api/stats.csv?table=overdue&institution=${s.b.id}&tma=${tma}`, null);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-disposition"]).toContain(`overdue-${s.b.id}-`);
    const csvAll = await h.get(`/api/stats.csv?table=states&tma=${tma}`, null);
    expect(csvAll.headers["content-disposition"]).toContain("states-all-");
    for (const r of [all, csv.text, csvAll.text, me])
      expect(JSON.stringify(r)).not.toMatch(/Иванов|Басқа|AK-0|SH-0/);

    for (const [method, path] of routes.filter(([, p]) => !/stats|\/me$/.test(p))) {
      const res = await call(method, path, hq);
      expect([res.status, res.json], path).toEqual([403, { error: "forbidden" }]);
    }
    expect((await h.get(`/api/cases/${s.cases.otherInstitution}`, hq)).status).toBe(403);

    await removeHqViewer(h.db, hq.id, h.clock());
    expect((await h.get("/api/hq/stats", hq)).status).toBe(403);
    expect((await h.get("/api/me", hq)).status).toBe(403);
  });

  it("unknown routes and methods are 404 in JSON; other paths are not the dashboard's", async () => {
    const h = d.current;
    for (const [method, path] of [
      ["GET", "/api/nope"],
      ["GET", "/api"],
      ["POST", "/api/me"],
      ["DELETE", `/api/cases/${s.cases.overdue}`],
      ["GET", `/api/cases/${s.cases.overdue}/send`],
    ] as const) {
      const res = await h.request(method, path, s.head.tg);
      expect([res.status, res.json], `${method} ${path}`).toEqual([404, { error: "not_found" }]);
    }
    const other = await h.get("/telegram", null);
    expect([other.status, other.text]).toEqual([404, "not ours"]);
  });
});
