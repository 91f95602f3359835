import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../src/db/client.js';
import { notifications } from '../../src/db/schema/index.js';
import { retractionKind } from '../../src/features/delivery/index.js';

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
