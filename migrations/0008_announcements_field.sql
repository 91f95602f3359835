ALTER TYPE "public"."staff_role" ADD VALUE 'field';--> statement-breakpoint
CREATE TABLE "announcements" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "announcements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"author_staff_id" integer,
	"text" text NOT NULL,
	"file_kind" text,
	"file_id" text,
	"audience" jsonb NOT NULL,
	"recipients" integer NOT NULL,
	"paid_broadcast" boolean DEFAULT false NOT NULL,
	"progress_chat_id" bigint,
	"progress_message_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "field_findings" (
	"questionnaire_id" integer NOT NULL,
	"request_id" integer NOT NULL,
	"topic" text NOT NULL,
	CONSTRAINT "field_findings_questionnaire_id_topic_pk" PRIMARY KEY("questionnaire_id","topic"),
	CONSTRAINT "field_findings_requestId_unique" UNIQUE("request_id")
);
--> statement-breakpoint
CREATE TABLE "field_questionnaires" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "field_questionnaires_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"staff_id" integer NOT NULL,
	"contact" text NOT NULL,
	"answers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "family_members" ADD COLUMN "announcements_off" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_author_staff_id_staff_id_fk" FOREIGN KEY ("author_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_findings" ADD CONSTRAINT "field_findings_questionnaire_id_field_questionnaires_id_fk" FOREIGN KEY ("questionnaire_id") REFERENCES "public"."field_questionnaires"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_findings" ADD CONSTRAINT "field_findings_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_questionnaires" ADD CONSTRAINT "field_questionnaires_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_questionnaires" ADD CONSTRAINT "field_questionnaires_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_questionnaires" ADD CONSTRAINT "field_questionnaires_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "announcements_sending_idx" ON "announcements" USING btree ("id") WHERE "announcements"."finished_at" is null;--> statement-breakpoint
CREATE INDEX "field_questionnaires_family_id_index" ON "field_questionnaires" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "field_questionnaires_created_at_index" ON "field_questionnaires" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "notifications_announcement_idx" ON "notifications" USING btree ((("payload"->>'announcementId')::int),"status") WHERE "notifications"."kind" = 'announcement';