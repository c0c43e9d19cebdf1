import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { officials } from "../../src/db/schema";
import { addInstitution, addOfficial } from "../support/fixtures";
import { newUser, useHarness } from "../support/harness";

describe("administrators invite officials from the bot", () => {
  const hr = useHarness({ adminTelegramIds: [4242] });

  it("lists officials without Telegram, makes a one-time link, and the link binds", async () => {
    const h = hr.current;
    const inst = await addInstitution(h.db);
    const [o] = await h.db
      .insert(officials)
      .values({ institutionId: inst.id, fullName: "Жаңа кадровик" })
      .returning();
    const admin = { id: 4242, first_name: "Admin" };
    await h.command(admin, "invite");
    expect(h.tg.lastTextTo(admin.id)).toContain(`#${o!.id} Жаңа кадровик`);
    await h.command(admin, "invite", String(o!.id));
    const link = /https:\/\/t\.me\/expulsion_test_bot\?start=([\w-]{32})/.exec(h.tg.lastTextTo(admin.id));
    expect(link).not.toBeNull();
    const person = newUser("Kadrovik");
    await h.command(person, "start", link![1]);
    const [bound] = await h.db.select().from(officials).where(eq(officials.id, o!.id));
    expect(bound?.userId).not.toBeNull();
    await h.command(admin, "invite", String(o!.id));
    expect(h.tg.lastTextTo(admin.id)).toContain("revoke official");
  });

  it("an administrator by role is limited to their institution; others are refused", async () => {
    const h = hr.current;
    const a = await addInstitution(h.db, "A");
    const b = await addInstitution(h.db, "B");
    const adminA = await addOfficial(h.db, a.id, ["admin"], "Әкімші А");
    const head = await addOfficial(h.db, a.id, ["head"], "Бастық");
    const [inB] = await h.db
      .insert(officials)
      .values({ institutionId: b.id, fullName: "B official" })
      .returning();
    await h.command(adminA.tg, "invite", String(inB!.id));
    expect(h.tg.lastTextTo(adminA.tg.id)).toContain("табылмады");
    await h.command(adminA.tg, "invite");
    expect(h.tg.lastTextTo(adminA.tg.id)).not.toContain("B official");
    await h.command(head.tg, "invite", String(inB!.id));
    expect(h.tg.lastTextTo(head.tg.id)).toContain("әкімшілерге арналған");
  });
});
