CREATE TABLE "hq_viewers" (
	"id" serial PRIMARY KEY NOT NULL,
	"telegram_id" bigint NOT NULL,
	"full_name" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "hq_viewers_telegram_id_unique" UNIQUE("telegram_id")
);
