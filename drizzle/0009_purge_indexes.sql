CREATE INDEX "cases_student_idx" ON "cases" USING btree ("student_id") WHERE student_id is not null;--> statement-breakpoint
CREATE INDEX "invites_used_by_idx" ON "invites" USING btree ("used_by_user_id") WHERE used_by_user_id is not null;--> statement-breakpoint
CREATE INDEX "outbox_case_idx" ON "outbox" USING btree ("case_id") WHERE case_id is not null;--> statement-breakpoint
CREATE INDEX "outbox_step_idx" ON "outbox" USING btree ("step_id") WHERE step_id is not null;--> statement-breakpoint
CREATE INDEX "outbox_chat_idx" ON "outbox" USING btree ("chat_id");--> statement-breakpoint
CREATE INDEX "outbox_edit_idx" ON "outbox" USING btree ("chat_id",("payload"->>'message_id')) WHERE method = 'editMessageText';