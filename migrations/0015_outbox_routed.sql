-- Events dispatched before this column existed are taken as routed (the reconciler still looks at new
-- requests and families without a curator as before). A constant default fills the column without
-- rewriting the table (PostgreSQL 11+), so the outbox is not locked for long however much history it holds.
ALTER TABLE "outbox" ADD COLUMN "routed_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "routed_at" DROP DEFAULT;--> statement-breakpoint
UPDATE "outbox" SET "routed_at" = NULL WHERE "status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_unrouted_idx" ON "outbox" USING btree ("id") WHERE "outbox"."status" = 'dispatched' and "outbox"."routed_at" is null;
