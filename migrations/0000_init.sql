CREATE TYPE "public"."actor_kind" AS ENUM('family', 'staff', 'system');--> statement-breakpoint
CREATE TYPE "public"."attachment_kind" AS ENUM('photo', 'document', 'voice', 'video', 'video_note', 'audio');--> statement-breakpoint
CREATE TYPE "public"."child_institution" AS ENUM('kindergarten', 'school', 'none');--> statement-breakpoint
CREATE TYPE "public"."consent_decision" AS ENUM('agreed', 'refused', 'withdrawn', 'oral');--> statement-breakpoint
CREATE TYPE "public"."district_kind" AS ENUM('city', 'municipal');--> statement-breakpoint
CREATE TYPE "public"."escalation_clock" AS ENUM('take', 'resolve');--> statement-breakpoint
CREATE TYPE "public"."escalation_level" AS ENUM('reminder', 'district', 'regional');--> statement-breakpoint
CREATE TYPE "public"."household_kind" AS ENUM('child', 'elderly', 'other');--> statement-breakpoint
CREATE TYPE "public"."language" AS ENUM('ru', 'en');--> statement-breakpoint
CREATE TYPE "public"."message_direction" AS ENUM('family_to_staff', 'staff_to_family');--> statement-breakpoint
CREATE TYPE "public"."message_kind" AS ENUM('text', 'photo', 'document', 'voice', 'video', 'video_note', 'audio', 'sticker', 'other');--> statement-breakpoint
CREATE TYPE "public"."notification_status" AS ENUM('pending', 'sent', 'failed', 'unreachable');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'dispatched');--> statement-breakpoint
CREATE TYPE "public"."reached_by" AS ENUM('telegram', 'phone');--> statement-breakpoint
CREATE TYPE "public"."relationship" AS ENUM('wife', 'mother', 'father', 'child', 'other');--> statement-breakpoint
CREATE TYPE "public"."request_category" AS ENUM('nanny', 'kindergarten_transfer', 'school_meals', 'psychologist', 'elderly_care', 'employment', 'legal', 'medical', 'other');--> statement-breakpoint
CREATE TYPE "public"."request_event_type" AS ENUM('created', 'assigned', 'taken', 'status_changed', 'message', 'escalated', 'reassigned', 'family_card_viewed', 'rated', 'reopened', 'cancelled', 'delivery_failed');--> statement-breakpoint
CREATE TYPE "public"."request_priority" AS ENUM('normal', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."request_status" AS ENUM('new', 'assigned', 'in_progress', 'waiting_family', 'resolved', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('curator', 'supervisor', 'observer');--> statement-breakpoint
CREATE SEQUENCE "public"."request_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"staff_id" integer,
	"action" text NOT NULL,
	"family_id" integer,
	"request_id" integer,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"request_id" integer,
	"recipient_staff_id" integer,
	"recipient_member_id" integer,
	"chat_id" bigint NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "notification_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"telegram_message_id" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notifications_dedupeKey_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "districts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "districts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "district_kind" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "districts_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "consent_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consent_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"telegram_id" bigint,
	"member_id" integer,
	"decision" "consent_decision" NOT NULL,
	"consent_version" text NOT NULL,
	"recorded_by_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "families" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "families_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"district_id" integer NOT NULL,
	"locality" text,
	"address" text,
	"curator_id" integer,
	"reached_by" "reached_by" DEFAULT 'telegram' NOT NULL,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_invites" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "family_invites_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"token_hash" text NOT NULL,
	"family_id" integer NOT NULL,
	"created_by_member_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_member_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_invites_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "family_members" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "family_members_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"telegram_id" bigint,
	"full_name" text,
	"relationship" "relationship",
	"phone" text,
	"language" "language" DEFAULT 'ru' NOT NULL,
	"consent_version" text,
	"consent_at" timestamp with time zone,
	"consent_recorded_by_id" integer,
	"bot_blocked" boolean DEFAULT false NOT NULL,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_members" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "household_members_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"kind" "household_kind" NOT NULL,
	"full_name" text,
	"birth_date" date,
	"institution" "child_institution",
	"institution_name" text,
	"care_needs" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "servicemen" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "servicemen_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"full_name" text,
	"birth_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_measures" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "support_measures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"measure" text NOT NULL,
	"since" date,
	"note" text,
	"recorded_by_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "attachments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"request_id" integer NOT NULL,
	"kind" "attachment_kind" NOT NULL,
	"file_id" text NOT NULL,
	"file_unique_id" text,
	"file_name" text,
	"mime_type" text,
	"file_size" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "escalations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"request_id" integer NOT NULL,
	"clock" "escalation_clock" NOT NULL,
	"level" "escalation_level" NOT NULL,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escalations_requestId_clock_level_unique" UNIQUE("request_id","clock","level")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"request_id" integer,
	"family_id" integer NOT NULL,
	"direction" "message_direction" NOT NULL,
	"sender_member_id" integer,
	"sender_staff_id" integer,
	"kind" "message_kind" NOT NULL,
	"text" text,
	"file_id" text,
	"media_group_id" text,
	"family_chat_id" bigint,
	"family_message_id" integer,
	"staff_chat_id" bigint,
	"staff_message_id" integer,
	"edited_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "request_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"request_id" integer NOT NULL,
	"type" "request_event_type" NOT NULL,
	"actor_kind" "actor_kind" NOT NULL,
	"actor_staff_id" integer,
	"actor_member_id" integer,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"number" integer DEFAULT nextval('request_number_seq') NOT NULL,
	"family_id" integer NOT NULL,
	"member_id" integer,
	"created_by_staff_id" integer,
	"category" "request_category" NOT NULL,
	"details" jsonb NOT NULL,
	"priority" "request_priority" DEFAULT 'normal' NOT NULL,
	"status" "request_status" DEFAULT 'new' NOT NULL,
	"curator_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_at" timestamp with time zone,
	"taken_at" timestamp with time zone,
	"taken_by_id" integer,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"take_deadline_at" timestamp with time zone NOT NULL,
	"resolve_deadline_at" timestamp with time zone NOT NULL,
	"rating" smallint,
	"rating_comment" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "requests_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "staff_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"role" "staff_role" NOT NULL,
	"telegram_id" bigint NOT NULL,
	"full_name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"regional" boolean DEFAULT false NOT NULL,
	"on_call" boolean DEFAULT false NOT NULL,
	"away_until" timestamp with time zone,
	"deputy_id" integer,
	"bot_blocked" boolean DEFAULT false NOT NULL,
	"invite_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deactivated_at" timestamp with time zone,
	CONSTRAINT "staff_telegramId_unique" UNIQUE("telegram_id")
);
--> statement-breakpoint
CREATE TABLE "staff_districts" (
	"staff_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	CONSTRAINT "staff_districts_staff_id_district_id_pk" PRIMARY KEY("staff_id","district_id")
);
--> statement-breakpoint
CREATE TABLE "staff_invites" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "staff_invites_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"token_hash" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"district_ids" integer[] NOT NULL,
	"regional" boolean DEFAULT false NOT NULL,
	"full_name" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_staff_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_invites_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_staff_id_staff_id_fk" FOREIGN KEY ("recipient_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_member_id_family_members_id_fk" FOREIGN KEY ("recipient_member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_member_id_family_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_recorded_by_id_staff_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "families" ADD CONSTRAINT "families_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "families" ADD CONSTRAINT "families_curator_id_staff_id_fk" FOREIGN KEY ("curator_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_invites" ADD CONSTRAINT "family_invites_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_invites" ADD CONSTRAINT "family_invites_created_by_member_id_family_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_invites" ADD CONSTRAINT "family_invites_used_by_member_id_family_members_id_fk" FOREIGN KEY ("used_by_member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_members" ADD CONSTRAINT "family_members_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_members" ADD CONSTRAINT "family_members_consent_recorded_by_id_staff_id_fk" FOREIGN KEY ("consent_recorded_by_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_members" ADD CONSTRAINT "household_members_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "servicemen" ADD CONSTRAINT "servicemen_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_measures" ADD CONSTRAINT "support_measures_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_measures" ADD CONSTRAINT "support_measures_recorded_by_id_staff_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_sender_member_id_family_members_id_fk" FOREIGN KEY ("sender_member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_sender_staff_id_staff_id_fk" FOREIGN KEY ("sender_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_actor_staff_id_staff_id_fk" FOREIGN KEY ("actor_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_actor_member_id_family_members_id_fk" FOREIGN KEY ("actor_member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_member_id_family_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_created_by_staff_id_staff_id_fk" FOREIGN KEY ("created_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_curator_id_staff_id_fk" FOREIGN KEY ("curator_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_taken_by_id_staff_id_fk" FOREIGN KEY ("taken_by_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_deputy_id_staff_id_fk" FOREIGN KEY ("deputy_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_districts" ADD CONSTRAINT "staff_districts_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_districts" ADD CONSTRAINT "staff_districts_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_invites" ADD CONSTRAINT "staff_invites_used_by_staff_id_staff_id_fk" FOREIGN KEY ("used_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_created_at_index" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_staff_id_index" ON "audit_log" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "notifications_status_id_index" ON "notifications" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "outbox_status_id_index" ON "outbox" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "consent_events_telegram_id_index" ON "consent_events" USING btree ("telegram_id");--> statement-breakpoint
CREATE INDEX "families_curator_id_index" ON "families" USING btree ("curator_id");--> statement-breakpoint
CREATE INDEX "families_district_id_index" ON "families" USING btree ("district_id");--> statement-breakpoint
CREATE UNIQUE INDEX "family_members_telegram_id_index" ON "family_members" USING btree ("telegram_id");--> statement-breakpoint
CREATE INDEX "family_members_family_id_index" ON "family_members" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "family_members_phone_index" ON "family_members" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "household_members_family_id_index" ON "household_members" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "support_measures_family_id_index" ON "support_measures" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "attachments_request_id_index" ON "attachments" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "messages_request_id_index" ON "messages" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "messages_family_chat_id_family_message_id_index" ON "messages" USING btree ("family_chat_id","family_message_id");--> statement-breakpoint
CREATE INDEX "messages_staff_chat_id_staff_message_id_index" ON "messages" USING btree ("staff_chat_id","staff_message_id");--> statement-breakpoint
CREATE INDEX "request_events_request_id_id_index" ON "request_events" USING btree ("request_id","id");--> statement-breakpoint
CREATE INDEX "requests_family_id_index" ON "requests" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "requests_curator_id_status_index" ON "requests" USING btree ("curator_id","status");--> statement-breakpoint
CREATE INDEX "requests_status_take_deadline_at_index" ON "requests" USING btree ("status","take_deadline_at");--> statement-breakpoint
CREATE INDEX "requests_created_at_index" ON "requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "staff_districts_district_id_index" ON "staff_districts" USING btree ("district_id");