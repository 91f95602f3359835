CREATE TABLE "held_messages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "held_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"chat_id" bigint NOT NULL,
	"telegram_message_id" integer NOT NULL,
	"kind" "message_kind" NOT NULL,
	"text" text,
	"file_id" text,
	"file_unique_id" text,
	"file_name" text,
	"mime_type" text,
	"file_size" integer,
	"media_group_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "held_messages_chatId_telegramMessageId_unique" UNIQUE("chat_id","telegram_message_id")
);
--> statement-breakpoint
ALTER TABLE "held_messages" ADD CONSTRAINT "held_messages_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_messages" ADD CONSTRAINT "held_messages_member_id_family_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."family_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "held_messages_member_id_id_index" ON "held_messages" USING btree ("member_id","id");