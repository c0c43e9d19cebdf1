import { describe, expect, it } from "vitest";
import { conversationState } from "../../src/db/schema";
import { useHarness } from "../support/harness";
import { tick } from "./helpers";

describe("abandoned conversations", () => {
  const hr = useHarness({ now: "2026-03-20T04:00:00Z" });

  it("the daily tick drops drafts untouched for two weeks and keeps the rest", async () => {
    const h = hr.current;
    await h.db.insert(conversationState).values([
      { key: "1001", value: "{}", updatedAt: new Date("2026-03-05T00:00:00Z") },
      { key: "1002", value: "{}", updatedAt: new Date("2026-03-07T00:00:00Z") },
    ]);
    const quiet = await tick(h);
    expect(quiet.conversationsPruned).toBe(0); // only with the daily purge
    const r = await tick(h, { purge: true });
    expect(r.conversationsPruned).toBe(1);
    expect((await h.db.select().from(conversationState)).map((c) => c.key)).toEqual(["1002"]);
  });
});
