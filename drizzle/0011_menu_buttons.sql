CREATE TABLE "menu_buttons" (
	"bot_id" bigint NOT NULL,
	"telegram_id" bigint NOT NULL,
	"url" text NOT NULL,
	"lang" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL,
	CONSTRAINT "menu_buttons_bot_id_telegram_id_pk" PRIMARY KEY("bot_id","telegram_id")
);
--> statement-breakpoint
CREATE INDEX "menu_buttons_chat_idx" ON "menu_buttons" USING btree ("telegram_id");