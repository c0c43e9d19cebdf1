CREATE TABLE "case_attachments" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" integer NOT NULL,
	"kind" text NOT NULL,
	"media" text NOT NULL,
	"file_id" text,
	"file_unique_id" text,
	"file_name" text,
	"size" integer,
	"pages" smallint,
	"added_by_user_id" integer,
	"added_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "facts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "opened_by_official_id" integer;--> statement-breakpoint
ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_attachments_case_idx" ON "case_attachments" USING btree ("case_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_opened_by_official_id_officials_id_fk" FOREIGN KEY ("opened_by_official_id") REFERENCES "public"."officials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Issue 16: photos and PDFs up to 20 MB (Telegram's own limit for bots), or pages on paper.
ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_media_ck" CHECK ("media" IN ('photo', 'pdf', 'paper'));--> statement-breakpoint
ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_size_ck" CHECK ("size" IS NULL OR "size" BETWEEN 0 AND 20971520);--> statement-breakpoint
ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_pages_ck" CHECK ("pages" IS NULL OR "pages" BETWEEN 1 AND 500);
