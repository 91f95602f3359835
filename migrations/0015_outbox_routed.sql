ALTER TABLE "outbox" ADD COLUMN "routed_at" timestamp with time zone;--> statement-breakpoint
-- Events dispatched before this column existed are taken as routed (the reconciler still looks at new
-- requests and families without a curator as before).
UPDATE "outbox" SET "routed_at" = "dispatched_at" WHERE "status" = 'dispatched';--> statement-breakpoint
CREATE INDEX "outbox_unrouted_idx" ON "outbox" USING btree ("id") WHERE "outbox"."status" = 'dispatched' and "outbox"."routed_at" is null;
