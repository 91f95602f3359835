CREATE TABLE "supervisor_alerts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "supervisor_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"staff_id" integer NOT NULL,
	"request_id" integer NOT NULL,
	"escalation_id" integer NOT NULL,
	"notification_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supervisor_alerts_escalationId_staffId_unique" UNIQUE("escalation_id","staff_id")
);
--> statement-breakpoint
ALTER TABLE "supervisor_alerts" ADD CONSTRAINT "supervisor_alerts_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisor_alerts" ADD CONSTRAINT "supervisor_alerts_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisor_alerts" ADD CONSTRAINT "supervisor_alerts_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisor_alerts" ADD CONSTRAINT "supervisor_alerts_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supervisor_alerts_staff_id_created_at_index" ON "supervisor_alerts" USING btree ("staff_id","created_at");--> statement-breakpoint
CREATE INDEX "supervisor_alerts_buffered_idx" ON "supervisor_alerts" USING btree ("staff_id","id") WHERE "supervisor_alerts"."notification_id" is null;--> statement-breakpoint
CREATE INDEX "requests_open_id_idx" ON "requests" USING btree ("id") WHERE "requests"."status" in ('new', 'assigned', 'in_progress', 'waiting_family');