import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../src/db/client.js';
import { notifications } from '../../src/db/schema/index.js';
import { retractionKind } from '../../src/features/delivery/index.js';
import { eventually } from './pipeline.js';

/** The notifications that take back message `messageId` of chat `chatId` (retraction.ts). */
export function retractionsOf(db: DbOrTx, chatId: number, messageId: number) {
  return db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, retractionKind),
        eq(notifications.chatId, chatId),
        sql`(${notifications.payload}->>'messageId')::int = ${messageId}`,
      ),
    );
}

/**
 * Waits until message `messageId` of chat `chatId` is recorded as sent (a delivery, or a staff view recorded
 * just after its reply): what an erasure or a deactivation then finds to take back.
 */
export async function sentRecorded(db: DbOrTx, chatId: number, messageId: number, timeoutMs = 15_000) {
  await eventually(
    async () =>
      (
        await db
          .select({ id: notifications.id })
          .from(notifications)
          .where(
            and(
              eq(notifications.chatId, chatId),
              eq(notifications.telegramMessageId, messageId),
              eq(notifications.status, 'sent'),
            ),
          )
      ).length > 0,
    timeoutMs,
    `message ${messageId} of chat ${chatId} recorded as sent`,
  );
}
