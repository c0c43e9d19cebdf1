/**
 * Issue 17: the purge finds the sent texts naming its learners in one read of the outbox (NamedMessages,
 * an Aho–Corasick search of every name at once) instead of one search of every text per learner. What it
 * finds must be what a search for each name finds; a text written after that read is searched in the
 * case's own transaction.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { Matcher, NamedMessages, purgeCase, purgeExpired } from "../../src/cases/retention";
import { cases, outbox, students } from "../../src/db/schema";
import { purgeStub } from "../../src/messages/notices";
import { addInstitution, addStaff, addStudent } from "../support/fixtures";
import { fileReport } from "../support/flows";
import { useHarness } from "../support/harness";
import { almaty, at } from "./helpers";

/** A small deterministic generator, so a failure repeats. */
function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * n); // the high bits: the low ones of this generator repeat
  };
}

describe("the purge's search for names (issue 17)", () => {
  it("finds each needle wherever it occurs, nested or overlapping, as a search for each one does", () => {
    const next = random(17);
    // Few letters, so that needles share prefixes and suffixes and occur inside one another.
    const letters = ["а", "ә", "б", "Ж", "-", "7", " ", "😀"];
    const word = (min: number, max: number) =>
      Array.from({ length: min + next(max - min + 1) }, () => letters[next(letters.length)]).join("");
    for (let round = 0; round < 200; round++) {
      const needles = [...new Set(Array.from({ length: 1 + next(12) }, () => word(1, 5)))];
      const m = new Matcher(needles);
      for (let t = 0; t < 5; t++) {
        const text = word(0, 60);
        const found = new Set<number>();
        m.find(text, (k) => found.add(k));
        const expected = needles.flatMap((n, k) => (text.includes(n) ? [k] : []));
        expect(
          [...found].sort((a, b) => a - b),
          `${JSON.stringify(needles)} in ${JSON.stringify(text)}`,
        ).toEqual(expected);
      }
    }
  });

  const hr = useHarness({ now: "2026-03-20T04:00:00Z" });
  const NAME = "Сейітқали Бауыржан Ерланұлы";

  it("stubs the texts naming the learner found in the read, and those written after it", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const staff = await addStaff(h.db, inst.id);
    const learner = await addStudent(h.db, inst.id, { name: NAME });
    await fileReport(h, learner.tg, "own_will");
    await h.flush();
    const [c] = await h.db.select().from(cases);
    await h.db
      .update(cases)
      .set({ state: "closed", closedAt: almaty("2026-03-20 15:00") })
      .where(eq(cases.id, c!.id));
    const notice = (text: string) =>
      h.db
        .insert(outbox)
        .values({ chatId: staff.head.tg.id, method: "sendMessage", payload: { text }, state: "sent" })
        .returning({ id: outbox.id });
    const [before] = await notice(`Ростер: ${NAME} байланысты.`);
    const [other] = await notice("Ростер: Басқа Б. байланысты.");

    at(h, "2027-03-21 00:30");
    const [entry] = await h.db.select().from(students).where(eq(students.id, learner.student.id));
    const named = new NamedMessages([entry!.fullName, entry!.personalNumber]);
    await named.extend(h.db);
    expect(named.ids.get(NAME)).toContain(before!.id);
    const [after] = await notice(`Ескерту: ${NAME}.`);
    expect(after!.id).toBeGreaterThan(named.upTo);

    expect(await purgeCase(h.db, c!.id, h.clock(), named)).not.toBeNull();
    const text = async (id: number) =>
      (await h.db.select().from(outbox).where(eq(outbox.id, id)))[0]?.payload.text;
    expect(await text(before!.id)).toBe(purgeStub());
    expect(await text(after!.id)).toBe(purgeStub());
    expect(await text(other!.id)).toBe("Ростер: Басқа Б. байланысты.");
    const left = await h.db.execute(sql`select 1 from outbox where strpos(payload->>'text', ${NAME}) > 0`);
    expect(Array.isArray(left) ? left : (left as { rows: unknown[] }).rows).toEqual([]);
  });

  for (const [nameScanFrom, how] of [
    [1, "reads the outbox once for all its learners"],
    [10, "with fewer than ten learners searches for each one (the day's usual purge)"],
  ] as const)
    it(`purgeExpired ${how} and names none of them after`, async () => {
      const h = hr.current;
      const inst = await addInstitution(h.db);
      const staff = await addStaff(h.db, inst.id);
      const names = ["Әлиев Әли", "Әлиев Әлихан", "Бекова Бек"]; // the first is part of the second
      for (const fullName of names) {
        const learner = await addStudent(h.db, inst.id, { name: fullName });
        await fileReport(h, learner.tg, "own_will");
      }
      await h.flush();
      await h.db.update(cases).set({ state: "withdrawn", closedAt: almaty("2026-03-20 15:00") });
      await h.db.insert(outbox).values({
        chatId: staff.head.tg.id,
        method: "sendMessage",
        payload: { text: `Бүгін: ${names.join("; ")}; Басқа Б.` },
        state: "sent",
      });

      at(h, "2027-03-21 00:30");
      expect(await purgeExpired(h.db, h.clock(), { nameScanFrom })).toHaveLength(3);
      const texts = (await h.db.select().from(outbox)).map((o) => String(o.payload.text));
      for (const n of names) expect(texts.filter((t) => t.includes(n))).toEqual([]);
    });
});
