ALTER TABLE "outbox" ADD COLUMN "cleared_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "nameless" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_kept_idx" ON "outbox" USING btree ("id") WHERE cleared_at is null;--> statement-breakpoint
CREATE INDEX "outbox_text_idx" ON "outbox" USING btree ("id") WHERE cleared_at is null and not nameless;