CREATE TYPE "public"."consultation_format" AS ENUM('video', 'phone', 'chat', 'in_person');--> statement-breakpoint
CREATE TYPE "public"."consultation_status" AS ENUM('booked', 'held', 'no_show', 'cancelled');--> statement-breakpoint
ALTER TYPE "public"."staff_role" ADD VALUE 'psychologist';--> statement-breakpoint
CREATE TABLE "consultation_waitlist" (
	"request_id" integer PRIMARY KEY NOT NULL,
	"family_id" integer NOT NULL,
	"district_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "consultations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consultations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"request_id" integer NOT NULL,
	"family_id" integer NOT NULL,
	"psychologist_id" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"format" "consultation_format" NOT NULL,
	"join_token" text NOT NULL,
	"status" "consultation_status" DEFAULT 'booked' NOT NULL,
	"cancel_reason" text,
	"cancelled_by" "actor_kind",
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "psychologist_schedules" (
	"staff_id" integer PRIMARY KEY NOT NULL,
	"slot_minutes" integer DEFAULT 50 NOT NULL,
	"hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"formats" "consultation_format"[] DEFAULT '{video,phone}' NOT NULL,
	"address" text,
	"days_off" text[] DEFAULT '{}' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "institution" text;--> statement-breakpoint
ALTER TABLE "staff_invites" ADD COLUMN "institution" text;--> statement-breakpoint
ALTER TABLE "consultation_waitlist" ADD CONSTRAINT "consultation_waitlist_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_waitlist" ADD CONSTRAINT "consultation_waitlist_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_psychologist_id_staff_id_fk" FOREIGN KEY ("psychologist_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psychologist_schedules" ADD CONSTRAINT "psychologist_schedules_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consultations_slot_booked_idx" ON "consultations" USING btree ("psychologist_id","starts_at") WHERE "consultations"."status" = 'booked';--> statement-breakpoint
CREATE UNIQUE INDEX "consultations_request_booked_idx" ON "consultations" USING btree ("request_id") WHERE "consultations"."status" = 'booked';--> statement-breakpoint
CREATE INDEX "consultations_psychologist_id_starts_at_index" ON "consultations" USING btree ("psychologist_id","starts_at");--> statement-breakpoint
CREATE INDEX "consultations_family_id_index" ON "consultations" USING btree ("family_id");