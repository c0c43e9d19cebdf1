ALTER TABLE "cases" ADD COLUMN "target_days" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "institutions" ADD COLUMN "target_days" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
-- D3: a target is a whole number of working days; the CLI keeps it between 1 and 30.
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_target_days_ck" CHECK ("target_days" BETWEEN 1 AND 30);
