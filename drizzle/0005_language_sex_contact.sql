ALTER TABLE "institutions" ADD COLUMN "personnel_contact" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "students" ADD COLUMN "sex" text;--> statement-breakpoint
-- Issue 14.6: "M" or "F" from the roster, or unknown (neutral wording).
ALTER TABLE "students" ADD CONSTRAINT "students_sex_ck" CHECK ("sex" IS NULL OR "sex" IN ('M', 'F'));--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "lang_chosen" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Issue 14.1: a stored language other than the default was chosen with /lang; keep it. Users still on the
-- default follow their Telegram app's language from now on until they choose.
UPDATE "users" SET "lang_chosen" = true WHERE "lang" <> 'kk';
