/**
 * Issue 17: `together` sends a transaction's independent statements at once (postgres.js pipelines them on
 * the transaction's connection). It must settle every one before it throws: a statement still running when
 * the transaction's callback ends would run on a connection already handed back to the pool.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { together } from "../../src/db/client";
import { institutions } from "../../src/db/schema";
import { resetDatabase, testDatabase } from "../support/db";

const inst = (code: string) => ({
  code,
  nameKk: code,
  nameRu: code,
  headTitleKk: `${code} бастығына`,
  headTitleRu: `Начальнику ${code}`,
});

describe("together (issue 17)", () => {
  it("returns every result in order", async () => {
    const slow = new Promise<number>((r) => setTimeout(() => r(1), 20));
    expect(await together(slow, Promise.resolve("b"), Promise.resolve(null))).toEqual([1, "b", null]);
  });

  it("throws the first failure only once every other one has settled", async () => {
    const order: string[] = [];
    const fails = Promise.reject(new Error("first"));
    const late = new Promise<void>((r) =>
      setTimeout(() => {
        order.push("late settled");
        r();
      }, 30),
    );
    await expect(together(fails, late, Promise.reject(new Error("second")))).rejects.toThrow("first");
    order.push("thrown");
    expect(order).toEqual(["late settled", "thrown"]);
  });

  it("in a transaction: the statements go together, and one failing rolls all of them back", async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    const { db } = database;
    const [a, b] = await db.transaction((tx) =>
      together(
        tx.insert(institutions).values(inst("A")).returning({ id: institutions.id }),
        tx.select({ n: sql<number>`count(*)::int` }).from(institutions),
      ),
    );
    expect(a).toHaveLength(1);
    expect(b[0]!.n).toBeGreaterThanOrEqual(0);
    await expect(
      db.transaction((tx) =>
        together(
          tx.insert(institutions).values(inst("B")),
          tx.insert(institutions).values(inst("A")), // the code is unique: fails
          tx.update(institutions).set({ nameRu: "changed" }).where(eq(institutions.code, "A")),
        ),
      ),
    ).rejects.toThrow();
    const rows = await db.select({ code: institutions.code, nameRu: institutions.nameRu }).from(institutions);
    expect(rows).toEqual([{ code: "A", nameRu: "A" }]);
  });
});
