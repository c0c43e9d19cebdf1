ALTER TABLE "outbox" ADD COLUMN "cleared_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "outbox_text_idx" ON "outbox" USING btree ("id") WHERE cleared_at is null;