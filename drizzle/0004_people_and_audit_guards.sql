CREATE TABLE "stranger_activity" (
	"telegram_id" bigint NOT NULL,
	"on_date" date NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"kinds" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stranger_activity_telegram_id_on_date_pk" PRIMARY KEY("telegram_id","on_date")
);
--> statement-breakpoint
ALTER TABLE "delegations" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "students" ADD COLUMN "pseudonymised_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "invites_student_idx" ON "invites" USING btree ("student_id");--> statement-breakpoint
-- Issue 12.9: the audit trail refuses TRUNCATE as well as UPDATE and DELETE (TRUNCATE fires no row triggers).
-- The application should run as a role that does not own the tables, so it cannot disable these triggers
-- (README "A server PostgreSQL"; `npm run admin -- db roles --app-role <name>`).
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
