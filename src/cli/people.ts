import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { InputError, UsageError } from "../errors";
import { requireInstitution } from "../people/institutions";
import { inviteLink } from "../people/invites";
import {
  addDelegation,
  addOfficial,
  changeRoles,
  createOfficialInvite,
  endDelegation,
  findStudent,
  listDelegations,
  listPeople,
  requireOfficial,
  revokeAccess,
} from "../people/officials";
import { importRoster, issueRosterInvites, ROSTER_COLUMNS, RosterImportError } from "../people/roster";
import { ROLES } from "../rules";
import {
  type Command,
  type CommandContext,
  count,
  csvLine,
  flag,
  id,
  list,
  localTime,
  required,
  str,
  table,
  writeCsv,
  yesNo,
} from "./io";

/** Reads a text file as strict UTF-8 (a legacy code page would turn Kazakh letters into garbage). */
async function readUtf8(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${path} is not UTF-8 text: save it as "CSV UTF-8" and try again`);
  }
}

/** Links when the bot's username is known, otherwise the raw tokens and a note on how to make links. */
async function linkMaker(ctx: CommandContext, bot: string | undefined) {
  const username = await ctx.botUsername(bot);
  if (username) return { column: "link", make: (token: string) => inviteLink(username, token) };
  ctx.err(
    "note: the bot's username is unknown (give --bot <username>, set BOT_USERNAME, or BOT_TOKEN to ask Telegram); " +
      "printing raw tokens: the link is https://t.me/<username>?start=<token>",
  );
  return { column: "token", make: (token: string) => token };
}

const botOption = { bot: { type: "string" as const } };

export const peopleCommands: Command[] = [
  {
    name: "roster import",
    args: ["code", "file.csv"],
    synopsis: "[--out links.csv] [--bot username] [--new-links]",
    summary: "import or update students from a CSV file and make their invite links",
    details: [
      `Header: ${ROSTER_COLUMNS.join(",")} (comma or semicolon, UTF-8).`,
      "category: cadet|masters|doctoral (or курсант, тыңдаушы, слушатель, магистрант, докторант);",
      "sending_unit is required for masters and doctoral students (cl. 21–22). A sample: examples/learners.csv.",
      "sex (optional): M or F (also М/Ж, Е/Ә); empty = unknown. Used only for Russian grammatical agreement;",
      "an unknown sex gets Russian wording that needs none. A file without the column leaves stored values alone.",
      "A file with any error imports nothing; every error is listed as: line L, column C: message.",
      "Students are matched by personal number: a second import updates them.",
      "A student of the file without a bound Telegram account gets a one-time invite link, unless an unused",
      "link made earlier still works: that one stays valid and no new one is made (new students get theirs).",
      "--new-links: revoke every unused link of the file's students and make new ones (links lost or leaked).",
      "--out writes personal_number,full_name,link to a new CSV file (an existing file is never overwritten).",
    ],
    options: { out: { type: "string" }, ...botOption, "new-links": { type: "boolean" } },
    async run(ctx, a) {
      const [code, file] = a.positionals as [string, string];
      const out = str(a, "out");
      // The file of an earlier import may hold links still valid and not yet handed out; tokens are kept
      // only as hashes, so a file overwritten could not be made again.
      if (out && existsSync(out))
        throw new InputError(
          `${out} already exists (it may hold links still in use): give another --out file name`,
        );
      const db = await ctx.db();
      const inst = await requireInstitution(db, code);
      const text = await readUtf8(file);
      let result: Awaited<ReturnType<typeof importRoster>>;
      try {
        result = await importRoster(db, inst.id, text, ctx.now(), ctx.actor);
      } catch (err) {
        if (!(err instanceof RosterImportError)) throw err;
        for (const e of err.errors)
          ctx.err(
            e.column ? `line ${e.line}, column ${e.column}: ${e.message}` : `line ${e.line}: ${e.message}`,
          );
        ctx.err(`error: ${count(err.errors.length, "error")} in ${file}; nothing was imported`);
        return 1;
      }
      ctx.out(
        `roster ${inst.code}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
      );
      const reissue = flag(a, "new-links");
      const { issued, kept, revoked } = await issueRosterInvites(db, inst.id, result.studentIds, ctx.now(), {
        reissue,
        actor: ctx.actor,
      });
      if (issued.length === 0 && kept.length === 0) {
        ctx.out("every student of the file is already bound to Telegram: no invites made");
        return;
      }
      if (kept.length > 0) {
        // A loop, not Math.max(...list): a spread of 50,000 arguments can overflow the stack.
        const latest = new Date(kept.reduce((m, k) => Math.max(m, k.expiresAt.getTime()), 0));
        ctx.out(
          `${count(kept.length, "student")} keep the unused links made earlier (valid until ${localTime(latest)} Asia/Almaty at the latest): no new links for them (--new-links replaces them)`,
        );
      }
      if (revoked > 0) ctx.out(`${count(revoked, "earlier unused link")} revoked`);
      if (issued.length === 0) return;
      const links = await linkMaker(ctx, str(a, "bot"));
      const lines = [
        csvLine(["personal_number", "full_name", links.column]),
        ...issued.map((i) => csvLine([i.personalNumber, i.fullName, links.make(i.token)])),
      ];
      const until = localTime(issued[0]!.expiresAt);
      if (out) {
        await writeCsv(out, lines);
        ctx.out(
          `${count(issued.length, "new invite")} (valid until ${until} Asia/Almaty) written to ${out}; hand each link only to its student`,
        );
      } else {
        ctx.out(`${count(issued.length, "new invite")}, valid until ${until} Asia/Almaty:`);
        for (const line of lines) ctx.out(line);
      }
    },
  },
  {
    name: "official add",
    args: ["code"],
    synopsis: '--name "Full Name" --position "…" --roles head,admin',
    summary: "add an official with roles",
    details: [`Roles: ${ROLES.join(", ")}.`, "Then make an invite link: official invite <officialId>."],
    options: { name: { type: "string" }, position: { type: "string" }, roles: { type: "string" } },
    async run(ctx, a) {
      const db = await ctx.db();
      const inst = await requireInstitution(db, a.positionals[0]!);
      const roles = list(a, "roles") ?? [];
      if (roles.length === 0) throw new UsageError("--roles is required");
      const o = await addOfficial(
        db,
        { institutionId: inst.id, fullName: required(a, "name"), position: required(a, "position"), roles },
        ctx.now(),
        ctx.actor,
      );
      ctx.out(`official ${o.id} added to ${inst.code} with roles ${o.roles.join(", ")}`);
      ctx.out(`next: official invite ${o.id}`);
    },
  },
  {
    name: "official invite",
    args: ["officialId"],
    synopsis: "[--bot username] [--reactivate]",
    summary: "make a one-time invite link for an official",
    details: [
      "Earlier unused links of the official stop working.",
      "--reactivate: restore an official whose access was revoked.",
    ],
    options: { ...botOption, reactivate: { type: "boolean" } },
    async run(ctx, a) {
      const officialId = id(a.positionals[0]!, "officialId");
      const inv = await createOfficialInvite(await ctx.db(), officialId, ctx.now(), {
        reactivate: flag(a, "reactivate"),
        actor: ctx.actor,
      });
      const links = await linkMaker(ctx, str(a, "bot"));
      if (inv.reactivated) ctx.out(`official ${officialId} is active again`);
      ctx.out(links.make(inv.token));
      ctx.out(
        `valid once, until ${localTime(inv.expiresAt)} Asia/Almaty; hand it only to official ${officialId}`,
      );
    },
  },
  {
    name: "official roles",
    args: ["officialId"],
    synopsis: "[--add role,…] [--remove role,…]",
    summary: "add or remove an official's roles",
    details: [`Roles: ${ROLES.join(", ")}.`],
    options: { add: { type: "string" }, remove: { type: "string" } },
    async run(ctx, a) {
      const officialId = id(a.positionals[0]!, "officialId");
      const { before, after } = await changeRoles(
        await ctx.db(),
        officialId,
        { add: list(a, "add"), remove: list(a, "remove") },
        ctx.now(),
        ctx.actor,
      );
      const show = (r: string[]) => (r.length > 0 ? r.join(", ") : "none");
      ctx.out(`official ${officialId} roles: ${show(after)} (before: ${show(before)})`);
    },
  },
  {
    name: "people",
    args: ["code"],
    summary: "list the students and officials of an institution (personal data: keep the output safe)",
    async run(ctx, a) {
      const db = await ctx.db();
      const inst = await requireInstitution(db, a.positionals[0]!);
      const { students, officials } = await listPeople(db, inst.id);
      ctx.out(`${inst.code}: ${students.length} students, ${officials.length} officials`);
      ctx.out("");
      ctx.out("Officials");
      for (const line of table(
        ["id", "full name", "position", "roles", "telegram", "active"],
        officials.map((o) => [
          String(o.id),
          o.fullName,
          o.position,
          o.roles.join(","),
          yesNo(o.bound),
          yesNo(o.active),
        ]),
      ))
        ctx.out(line);
      const dels = await listDelegations(db, inst.id);
      if (dels.length > 0) {
        ctx.out("");
        ctx.out("Delegations");
        for (const line of table(
          ["id", "role", "from", "to", "starts", "ends", "ended early"],
          dels.map((d) => [
            String(d.id),
            d.role,
            String(d.fromOfficialId),
            String(d.toOfficialId),
            d.startsOn,
            d.endsOn,
            d.endedAt ? localTime(d.endedAt) : "",
          ]),
        ))
          ctx.out(line);
      }
      ctx.out("");
      ctx.out("Students");
      for (const line of table(
        [
          "personal number",
          "full name",
          "rank",
          "category",
          "faculty",
          "course",
          "group",
          "sending unit",
          "telegram",
          "active",
        ],
        students.map((s) => [
          s.personalNumber,
          s.fullName,
          s.rank,
          s.category,
          s.faculty,
          s.course,
          s.groupName,
          s.sendingUnit,
          yesNo(s.bound),
          yesNo(s.active),
        ]),
      ))
        ctx.out(line);
    },
  },
  {
    name: "revoke student",
    args: ["code", "personal_number"],
    summary: "unbind a student's Telegram account and cancel their unused invites",
    async run(ctx, a) {
      const db = await ctx.db();
      const inst = await requireInstitution(db, a.positionals[0]!);
      const s = await findStudent(db, inst.id, a.positionals[1]!);
      if (!s)
        throw new InputError(
          `${inst.code} has no student with that personal number (see: people ${inst.code})`,
        );
      const r = await revokeAccess(db, { kind: "student", studentId: s.id }, ctx.now(), ctx.actor);
      ctx.out(
        r.changed
          ? `student ${s.id}: ${r.wasBound ? "Telegram account unbound" : "was not bound"}; ${count(r.invitesRevoked, "unused invite")} cancelled`
          : `student ${s.id}: nothing to revoke (not bound, no unused invites)`,
      );
    },
  },
  {
    name: "revoke official",
    args: ["officialId"],
    summary: "unbind and deactivate an official and cancel their unused invites",
    details: [
      "Also cancels the messages still queued for them (task messages, digests) and ends every delegation",
      "they gave or received.",
    ],
    async run(ctx, a) {
      const officialId = id(a.positionals[0]!, "officialId");
      const r = await revokeAccess(await ctx.db(), { kind: "official", officialId }, ctx.now(), ctx.actor);
      ctx.out(
        r.changed
          ? `official ${officialId}: ${r.wasBound ? "Telegram account unbound" : "was not bound"}, deactivated; ${count(r.invitesRevoked, "unused invite")} cancelled`
          : `official ${officialId}: nothing to revoke (already deactivated)`,
      );
      if (r.messagesCancelled) ctx.out(`${count(r.messagesCancelled, "queued message")} to them cancelled`);
      if (r.delegationsEnded?.length)
        ctx.out(
          `delegation${r.delegationsEnded.length === 1 ? "" : "s"} ${r.delegationsEnded.join(", ")} ended`,
        );
    },
  },
  {
    name: "delegate",
    args: ["code"],
    synopsis: "--role R --from <officialId> --to <officialId> --from-date YYYY-MM-DD --to-date YYYY-MM-DD",
    summary: "let an acting official hold another's role for a period (dates inclusive)",
    details: [`Roles: ${ROLES.join(", ")}.`],
    options: {
      role: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "from-date": { type: "string" },
      "to-date": { type: "string" },
    },
    async run(ctx, a) {
      const db = await ctx.db();
      const inst = await requireInstitution(db, a.positionals[0]!);
      const d = await addDelegation(
        db,
        {
          institutionId: inst.id,
          role: required(a, "role"),
          fromOfficialId: id(required(a, "from"), "--from"),
          toOfficialId: id(required(a, "to"), "--to"),
          startsOn: required(a, "from-date"),
          endsOn: required(a, "to-date"),
        },
        ctx.now(),
        ctx.actor,
      );
      ctx.out(
        `delegation ${d.id}: official ${d.toOfficialId} acts as ${d.role} for official ${d.fromOfficialId} from ${d.startsOn} to ${d.endsOn}`,
      );
      const holder = await requireOfficial(db, d.toOfficialId);
      if (holder.userId === null)
        ctx.err(
          `note: official ${d.toOfficialId} is not bound to Telegram yet (official invite ${d.toOfficialId})`,
        );
    },
  },
  {
    name: "delegation end",
    args: ["delegationId"],
    summary: "end a delegation now (the acting official no longer holds the role)",
    details: [
      "The delegation ids are listed by: people <code>. The delegation is kept with the time it ended,",
      "and the change is in the audit trail. Revoking either official ends their delegations too.",
    ],
    async run(ctx, a) {
      const delegationId = id(a.positionals[0]!, "delegationId");
      const d = await endDelegation(await ctx.db(), delegationId, ctx.now(), ctx.actor);
      ctx.out(
        `delegation ${d.id} ended: official ${d.toOfficialId} no longer acts as ${d.role} for official ${d.fromOfficialId}`,
      );
    },
  },
];
