CREATE TABLE "report_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" integer NOT NULL,
	"version" integer NOT NULL,
	"lang" text NOT NULL,
	"reasons" text NOT NULL,
	"conscript_served" boolean NOT NULL,
	"phone" text,
	"document" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "cases_one_open_per_student_uq";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "conscript_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "report_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reimbursement" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "chain_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Cases already filed were opened under the first chain; cases/chain-migration.ts moves the open ones on.
ALTER TABLE "cases" ALTER COLUMN "chain_version" SET DEFAULT 2;--> statement-breakpoint
-- D5: snapshot the reimbursement map each existing case opened under (the defaults, then the institution's).
UPDATE "cases" SET "reimbursement" = '{"academic_failure":true,"negative_reasons":true,"own_will":true,"citizenship":false,"contract_refusal":true,"foreign_org":true}'::jsonb || i."reimbursement" FROM "institutions" i WHERE i."id" = "cases"."institution_id";--> statement-breakpoint
ALTER TABLE "report_versions" ADD CONSTRAINT "report_versions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_versions_case_version_uq" ON "report_versions" USING btree ("case_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_one_open_per_student_uq" ON "cases" USING btree ("student_id") WHERE state in ('open','approved','sent_back');