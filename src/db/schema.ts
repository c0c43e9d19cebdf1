/**
 * The whole data model (docs/architecture.md, "The data"). Migrations in drizzle/ are generated from it by
 * drizzle-kit; CI fails when they disagree. Personal data lives only in students, officials, cases and
 * outbox payloads; the audit trail holds ids and states (so D8's purge leaves it intact).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import {
  type CaseState,
  type Category,
  type DayKind,
  type DocumentLanguage,
  type DueKind,
  type Ground,
  type Language,
  OPEN_CASE_STATES,
  type Role,
  type StepKey,
  type StepState,
} from "../rules";

// The enum-like text columns are typed with the rules' unions (`$type`, type-only: the columns stay text, so
// a new value needs no migration). Values are checked where they enter: the rules' guards and the use cases.

/** The outbox's delivery states ("cancelled": a task message no longer worth sending, cases/outbox.ts). */
export type OutboxState = "pending" | "sent" | "failed" | "cancelled";
/** The Bot API methods the outbox calls (setChatMenuButton: the dashboard's button, issue 18). */
export type OutboxMethod = "sendMessage" | "editMessageText" | "setChatMenuButton";
export type InviteKind = "student" | "official";

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => tstz("created_at").notNull().defaultNow();

export const institutions = pgTable("institutions", {
  id: serial("id").primaryKey(),
  code: text("code").notNull().unique(),
  nameKk: text("name_kk").notNull(),
  nameRu: text("name_ru").notNull(),
  /** The head's title for the report's address line ("... бастығына" / "Начальнику ..."). */
  headTitleKk: text("head_title_kk").notNull(),
  headTitleRu: text("head_title_ru").notNull(),
  /** Local hour (Asia/Almaty) of the daily digest. */
  reminderHour: smallint("reminder_hour").notNull().default(9),
  /** ISO weekdays that are working days (D1). */
  weekPattern: jsonb("week_pattern").$type<number[]>().notNull().default([1, 2, 3, 4, 5]),
  /** Extra opinion-givers asked at the same time as the deputy head for personnel work (D4), e.g. ["unit_head"]. */
  endorsers: jsonb("endorsers").$type<Role[]>().notNull().default([]),
  /** D3: the institution's target, in working days, for every step without a statutory period. */
  targetDays: smallint("target_days").notNull().default(2),
  /** Per-ground override of the reimbursement map (D5). */
  reimbursement: jsonb("reimbursement").$type<Partial<Record<Ground, boolean>>>().notNull().default({}),
  /**
   * How to reach the personnel subdivision (phone, room, hours), told to a learner who writes outside any
   * flow (issue 14.5). Empty until the administrator sets it.
   */
  personnelContact: text("personnel_contact").notNull().default(""),
  createdAt: createdAt(),
});

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  telegramId: bigint("telegram_id", { mode: "number" }).notNull().unique(),
  /** The language messages are sent in: the one chosen with /lang, else the Telegram app's (D10). */
  lang: text("lang").$type<Language>().notNull().default("kk"),
  /** Set by /lang (or the first /start's choice): from then on the Telegram app's language is ignored. */
  langChosen: boolean("lang_chosen").notNull().default(false),
  /** Telegram answered 403: the user blocked the bot. Cleared when they write again. */
  unreachable: boolean("unreachable").notNull().default(false),
  createdAt: createdAt(),
});

export const students = pgTable(
  "students",
  {
    id: serial("id").primaryKey(),
    institutionId: integer("institution_id")
      .notNull()
      .references(() => institutions.id),
    personalNumber: text("personal_number").notNull(),
    fullName: text("full_name").notNull(),
    rank: text("rank").notNull(),
    category: text("category").$type<Category>().notNull(),
    faculty: text("faculty").notNull().default(""),
    course: text("course").notNull().default(""),
    groupName: text("group_name").notNull().default(""),
    /** Master's/doctoral students: the unit that sent them (cl. 21, 22). */
    sendingUnit: text("sending_unit").notNull().default(""),
    /** "M" or "F" from the roster's optional column, for Russian agreement; null: neutral wording. */
    sex: text("sex").$type<"M" | "F">(),
    userId: integer("user_id").references(() => users.id),
    active: boolean("active").notNull().default(true),
    /**
     * D8: set when the retention purge pseudonymised this entry (names, numbers, rank, group blanked; the
     * Telegram account unlinked), so the audit trail's ids join to nothing that names the learner.
     */
    pseudonymisedAt: tstz("pseudonymised_at"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("students_inst_number_uq").on(t.institutionId, t.personalNumber),
    index("students_user_idx").on(t.userId),
  ],
);

export const officials = pgTable(
  "officials",
  {
    id: serial("id").primaryKey(),
    institutionId: integer("institution_id")
      .notNull()
      .references(() => institutions.id),
    fullName: text("full_name").notNull(),
    position: text("position").notNull().default(""),
    userId: integer("user_id").references(() => users.id),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("officials_user_idx").on(t.userId)],
);

export const officialRoles = pgTable(
  "official_roles",
  {
    officialId: integer("official_id")
      .notNull()
      .references(() => officials.id),
    role: text("role").$type<Role>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.officialId, t.role] })],
);

/** An acting official holds another's role for a period (inclusive local dates). */
export const delegations = pgTable("delegations", {
  id: serial("id").primaryKey(),
  institutionId: integer("institution_id")
    .notNull()
    .references(() => institutions.id),
  role: text("role").$type<Role>().notNull(),
  fromOfficialId: integer("from_official_id")
    .notNull()
    .references(() => officials.id),
  toOfficialId: integer("to_official_id")
    .notNull()
    .references(() => officials.id),
  startsOn: date("starts_on", { mode: "string" }).notNull(),
  endsOn: date("ends_on", { mode: "string" }).notNull(),
  /** Ended early by an administrator (`delegation end`) or by revoking either official; counts no more. */
  endedAt: tstz("ended_at"),
  createdAt: createdAt(),
});

/** One-time invite links; only the SHA-256 of the token is stored. */
export const invites = pgTable(
  "invites",
  {
    id: serial("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    kind: text("kind").$type<InviteKind>().notNull(),
    institutionId: integer("institution_id")
      .notNull()
      .references(() => institutions.id),
    studentId: integer("student_id").references(() => students.id),
    officialId: integer("official_id").references(() => officials.id),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
    usedByUserId: integer("used_by_user_id").references(() => users.id),
    revokedAt: tstz("revoked_at"),
    createdAt: createdAt(),
  },
  // Re-issuing a roster's invites revokes the unused ones by student (50,000 at a time, issue 12.11); D8's
  // purge finds the invites a learner's account used (issue 17).
  (t) => [
    index("invites_student_idx").on(t.studentId),
    index("invites_used_by_idx").on(t.usedByUserId).where(sql`used_by_user_id is not null`),
  ],
);

export const cases = pgTable(
  "cases",
  {
    id: serial("id").primaryKey(),
    institutionId: integer("institution_id")
      .notNull()
      .references(() => institutions.id),
    studentId: integer("student_id").references(() => students.id),
    ground: text("ground").$type<Ground>().notNull(),
    category: text("category").$type<Category>().notNull(),
    /** D9: the edition of the rules the case was opened under. */
    rulesEdition: text("rules_edition").notNull(),
    /** CaseState (src/rules/decisions.ts): open, approved, sent_back (D6) are running; the rest have ended. */
    state: text("state").$type<CaseState>().notNull().default("open"),
    version: integer("version").notNull().default(1),
    /** Language of the formal report document (kk | ru), D10. */
    reportLang: text("report_lang").$type<DocumentLanguage>().notNull(),
    reasons: text("reasons"),
    conscriptServed: boolean("conscript_served").notNull(),
    /** D11: personnel confirmed (or corrected) the learner's conscript answer from the personal file. */
    conscriptConfirmedAt: tstz("conscript_confirmed_at"),
    phone: text("phone"),
    /** D12: the current version of the report (report_versions); a re-submission adds one. */
    reportVersion: integer("report_version").notNull().default(1),
    /** D5: the reimbursement map in force when the case opened (a later change does not reshape it). */
    reimbursement: jsonb("reimbursement").$type<Partial<Record<Ground, boolean>>>().notNull().default({}),
    /** 1: opened under the first chain (before the D4/D6 revision); 2: the lawful chain. See cases/chain-migration.ts. */
    chainVersion: integer("chain_version").notNull().default(2),
    /** D4: the institution's extra endorsers when the case was filed (a later change does not reshape it). */
    endorsers: jsonb("endorsers").$type<Role[]>().notNull().default([]),
    /** D3: the institution's target when the case was filed (a later change applies to new cases only). */
    targetDays: smallint("target_days").notNull().default(2),
    /**
     * What the case was opened on besides the report's text (src/cases/open.ts CaseFacts): ch. 2 the last
     * day of the debt-clearing period (cl. 14), cl. 2 the foreign organisation and its expulsion date.
     */
    facts: jsonb("facts").$type<Record<string, string>>().notNull().default({}),
    /** Cl. 2, 12, 16: the official who opened the case (null: the learner filed it). */
    openedByOfficialId: integer("opened_by_official_id").references(() => officials.id),
    /** Snapshot of the student's roster data at filing time, for the report text. */
    studentSnapshot: jsonb("student_snapshot").$type<Record<string, string>>(),
    registeredAt: tstz("registered_at").notNull(),
    registeredOn: date("registered_on", { mode: "string" }).notNull(),
    decisionOn: date("decision_on", { mode: "string" }),
    orderDate: date("order_date", { mode: "string" }),
    orderNumber: text("order_number"),
    outcomeReason: text("outcome_reason"),
    closedAt: tstz("closed_at"),
    /** D8: personal data removed; the anonymised record stays. */
    purgedAt: tstz("purged_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("cases_inst_state_idx").on(t.institutionId, t.state),
    // D8's purge asks whether a learner has another case (issue 17: a scan of every case otherwise).
    index("cases_student_idx").on(t.studentId).where(sql`student_id is not null`),
    // At most one open case per student (issue 5); enforced by the database, not only by the bot. Built from
    // the rules' list; the SQL text must stay "state in ('open','approved','sent_back')" (migration 0003).
    uniqueIndex("cases_one_open_per_student_uq")
      .on(t.studentId)
      .where(sql.raw(`state in (${OPEN_CASE_STATES.map((s) => `'${s}'`).join(",")})`)),
  ],
);

export const caseSteps = pgTable(
  "case_steps",
  {
    id: serial("id").primaryKey(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    key: text("key").$type<StepKey>().notNull(),
    role: text("role").$type<Role>().notNull(),
    state: text("state").$type<StepState>().notNull().default("pending"),
    version: integer("version").notNull().default(1),
    openedAt: tstz("opened_at").notNull(),
    openedOn: date("opened_on", { mode: "string" }).notNull(),
    dueOn: date("due_on", { mode: "string" }),
    /** D3: a statutory period or the institution's target. */
    dueKind: text("due_kind").$type<DueKind>(),
    cite: text("cite").notNull(),
    doneAt: tstz("done_at"),
    doneByOfficialId: integer("done_by_official_id").references(() => officials.id),
    onBehalfOfOfficialId: integer("on_behalf_of_official_id").references(() => officials.id),
    result: jsonb("result").$type<Record<string, unknown>>(),
    /** Last breach notice sent for this step (local date), so it is sent once. */
    breachNotifiedOn: date("breach_notified_on", { mode: "string" }),
  },
  (t) => [
    uniqueIndex("case_steps_case_key_uq").on(t.caseId, t.key),
    index("case_steps_pending_idx").on(t.state, t.role, t.dueOn),
  ],
);

/**
 * D12: the formal report as submitted, one row per version (a re-submission after the head sent it back is a
 * new version; both are kept). `document` is the text every official reads, rendered once at submission.
 */
export const reportVersions = pgTable(
  "report_versions",
  {
    id: serial("id").primaryKey(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    version: integer("version").notNull(),
    lang: text("lang").$type<DocumentLanguage>().notNull(),
    reasons: text("reasons").notNull(),
    conscriptServed: boolean("conscript_served").notNull(),
    phone: text("phone"),
    document: text("document").notNull(),
    submittedAt: tstz("submitted_at").notNull(),
  },
  (t) => [uniqueIndex("report_versions_case_version_uq").on(t.caseId, t.version)],
);

/** Cl. 13, 16, 23, 2: a document put before the head with the report: a file sent to the bot, or pages on paper. */
export type AttachmentMedia = "photo" | "pdf" | "paper";

/**
 * The files (Telegram file ids, re-sent to officials by id, never downloaded) and paper documents of a case.
 * D8: the file ids and names are cleared with the case's personal data; kind, media, size and pages stay.
 */
export const caseAttachments = pgTable(
  "case_attachments",
  {
    id: serial("id").primaryKey(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    /** A DOCUMENT_KEYS key: interview_sheets, debt_notifications, investigation_materials, decree, foreign_expulsion. */
    kind: text("kind").notNull(),
    media: text("media").$type<AttachmentMedia>().notNull(),
    fileId: text("file_id"),
    fileUniqueId: text("file_unique_id"),
    fileName: text("file_name"),
    /** Bytes, as Telegram reported them (photos and PDFs up to 20 MB). */
    size: integer("size"),
    /** Paper: the number of pages handed in. */
    pages: smallint("pages"),
    addedByUserId: integer("added_by_user_id"),
    addedAt: tstz("added_at").notNull(),
  },
  (t) => [index("case_attachments_case_idx").on(t.caseId)],
);

/** Copies of a step's task message in officials' chats, edited into a status line once acted on. */
export const stepMessages = pgTable(
  "step_messages",
  {
    stepId: integer("step_id")
      .notNull()
      .references(() => caseSteps.id),
    chatId: bigint("chat_id", { mode: "number" }).notNull(),
    messageId: integer("message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.stepId, t.chatId] })],
);

/** Append-only (triggers refuse UPDATE, DELETE and TRUNCATE). No personal data: ids, states, keys. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: tstz("at").notNull(),
    actorUserId: integer("actor_user_id"),
    actorOfficialId: integer("actor_official_id"),
    onBehalfOfOfficialId: integer("on_behalf_of_official_id"),
    institutionId: integer("institution_id"),
    caseId: integer("case_id"),
    action: text("action").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    details: jsonb("details"),
  },
  (t) => [index("audit_case_idx").on(t.caseId)],
);

/** Messages written in the same transaction as the state change; sent by the dispatcher. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    chatId: bigint("chat_id", { mode: "number" }).notNull(),
    method: text("method").$type<OutboxMethod>().notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** Where to record the sent message id (a step's task message). */
    stepId: integer("step_id"),
    caseId: integer("case_id"),
    state: text("state").$type<OutboxState>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    sentAt: tstz("sent_at"),
    /**
     * When the row lost its text and chat (src/cases/sent-texts.ts: SENT_TEXT_DAYS after it was sent, once
     * it will not be sent again); null while it keeps them.
     */
    clearedAt: tstz("cleared_at"),
    /**
     * The text names no learner by construction (a digest: case numbers, step names, dates; its view data
     * holds nothing else, src/messages/digest.ts): the purge's name search need not read it.
     */
    nameless: boolean("nameless").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index("outbox_due_idx").on(t.state, t.nextAttemptAt),
    // The rows that still hold a text and chat: the queue of the clearing (src/cases/sent-texts.ts) …
    index("outbox_kept_idx").on(t.id).where(sql`cleared_at is null`),
    // … and those of them whose text may name a learner: all that the purge's name search reads.
    index("outbox_text_idx").on(t.id).where(sql`cleared_at is null and not nameless`),
    // D8's purge finds a case's messages by case, step, learner's chat and the edits of its task messages'
    // copies (issue 17: scans of the whole outbox per case otherwise); digests carry no case or step.
    index("outbox_case_idx").on(t.caseId).where(sql`case_id is not null`),
    index("outbox_step_idx").on(t.stepId).where(sql`step_id is not null`),
    index("outbox_chat_idx").on(t.chatId),
    index("outbox_edit_idx")
      .on(t.chatId, sql`(${t.payload}->>'message_id')`)
      .where(sql`method = 'editMessageText'`),
  ],
);

/** The working-day calendar's explicit days (D1); the seed and the Art. 5 rule fill the rest. */
export const calendarDays = pgTable("calendar_days", {
  day: date("day", { mode: "string" }).primaryKey(),
  kind: text("kind").$type<DayKind>().notNull(),
  source: text("source").notNull().default("admin"),
  note: text("note").notNull().default(""),
  createdAt: createdAt(),
});

/** @grammyjs/conversations state; text, not jsonb (jsonb rejects \u0000, which users can type). */
export const conversationState = pgTable("conversation_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: tstz("updated_at").notNull().defaultNow(),
});

/** One digest per official per local date, claimed by insert (exactly once across instances). */
export const digestsSent = pgTable(
  "digests_sent",
  {
    officialId: integer("official_id")
      .notNull()
      .references(() => officials.id),
    localDate: date("local_date", { mode: "string" }).notNull(),
    sentAt: tstz("sent_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.officialId, t.localDate] })],
);

/**
 * What people who are nobody to us (not bound, not an administrator) did, one row per Telegram account and
 * local date with a count per kind (forged presses, guessed invite tokens): the noise costs one row a day,
 * not one per press. The audit trail gets one `stranger.noise` row for the first of the day. Rows older than
 * STRANGER_NOISE_DAYS are deleted by the retention job.
 */
export const strangerActivity = pgTable(
  "stranger_activity",
  {
    telegramId: bigint("telegram_id", { mode: "number" }).notNull(),
    onDate: date("on_date", { mode: "string" }).notNull(),
    count: integer("count").notNull().default(0),
    /** Count per kind, e.g. {"step.refused": 12, "invite.refused": 3}. */
    kinds: jsonb("kinds").$type<Record<string, number>>().notNull().default({}),
    firstAt: tstz("first_at").notNull(),
    lastAt: tstz("last_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.telegramId, t.onDate] })],
);

/**
 * Issue 18, D16: viewers at the NSC Personnel Department, who see the dashboard's statistics of every
 * institution (aggregates only: no case lists, no case pages, no names). Added and removed by the
 * administrator (`npm run admin -- hq add|remove|list`); a removed viewer keeps the row with removed_at.
 */
export const hqViewers = pgTable("hq_viewers", {
  id: serial("id").primaryKey(),
  telegramId: bigint("telegram_id", { mode: "number" }).notNull().unique(),
  fullName: text("full_name").notNull(),
  addedAt: tstz("added_at").notNull(),
  removedAt: tstz("removed_at"),
});

/**
 * The dashboard's menu button as this program last set it in a chat (issue 18, issue 17): the start-up
 * installation skips the chats whose button already points at the same address in the same language, so
 * a restart costs no Bot API call per official. Per bot (the token's numeric id): another bot on the same
 * database has set nothing. A row goes when the chat's button is reset (access revoked, viewer removed).
 */
export const menuButtons = pgTable(
  "menu_buttons",
  {
    botId: bigint("bot_id", { mode: "number" }).notNull(),
    telegramId: bigint("telegram_id", { mode: "number" }).notNull(),
    url: text("url").notNull(),
    lang: text("lang").notNull(),
    setAt: tstz("set_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.telegramId] }), index("menu_buttons_chat_idx").on(t.telegramId)],
);
