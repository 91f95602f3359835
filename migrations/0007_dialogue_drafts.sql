CREATE TABLE "dialogue_drafts" (
	"telegram_id" bigint NOT NULL,
	"dialogue" text NOT NULL,
	"args" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"step" text,
	"consent_version" text NOT NULL,
	"about_family_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dialogue_drafts_telegram_id_dialogue_pk" PRIMARY KEY("telegram_id","dialogue")
);
--> statement-breakpoint
ALTER TABLE "dialogue_drafts" ADD CONSTRAINT "dialogue_drafts_about_family_id_families_id_fk" FOREIGN KEY ("about_family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dialogue_drafts_updated_at_index" ON "dialogue_drafts" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "dialogue_drafts_about_family_id_index" ON "dialogue_drafts" USING btree ("about_family_id");