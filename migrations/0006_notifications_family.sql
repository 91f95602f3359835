ALTER TABLE "notifications" ADD COLUMN "family_id" integer;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_family_id_index" ON "notifications" USING btree ("family_id");--> statement-breakpoint
-- Backfill: the family each notification already sent is about, so «Удалить мои данные» reaches old messages too.
UPDATE "notifications" n SET "family_id" = r."family_id" FROM "requests" r WHERE n."family_id" IS NULL AND n."request_id" = r."id";--> statement-breakpoint
UPDATE "notifications" n SET "family_id" = m."family_id" FROM "messages" m WHERE n."family_id" IS NULL AND n."kind" IN ('relay_to_staff', 'relay_to_family', 'relay_edit', 'relay_undelivered') AND n."payload" ? 'messageId' AND m."id" = (n."payload"->>'messageId')::bigint;--> statement-breakpoint
UPDATE "notifications" n SET "family_id" = f."id" FROM "families" f WHERE n."family_id" IS NULL AND n."payload" ? 'familyId' AND f."id" = (n."payload"->>'familyId')::int;--> statement-breakpoint
UPDATE "notifications" n SET "family_id" = fm."family_id" FROM "family_members" fm WHERE n."family_id" IS NULL AND n."recipient_member_id" = fm."id";
