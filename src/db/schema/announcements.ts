import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import { staff } from './staff.js';

/**
 * An announcement to families (features/announcements). Its recipients are `notifications` rows of kind
 * `announcement` (payload `announcementId`), so delivery's guarantees hold for them: a crash, a Redis wipe or a
 * restart resumes without duplicates or losses.
 */
export const announcements = pgTable(
  'announcements',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** The supervisor who sent it; null when an admin sent it from the command line. */
    authorStaffId: integer().references(() => staff.id),
    text: text().notNull(),
    /** An optional photo or document, by Telegram file id. */
    fileKind: text().$type<'photo' | 'document'>(),
    fileId: text(),
    /** A support measure (measures.code) whose «Хочу оформить» goes under it (features/support-measures). */
    measureCode: text(),
    /** Who it was for: districts (empty: the whole region) and passport filters, codes only. */
    audience: jsonb().$type<{ districtIds: number[]; filters: string[] }>().notNull(),
    recipients: integer().notNull(),
    /** Telegram's allow_paid_broadcast was on when it was made (config ALLOW_PAID_BROADCAST). */
    paidBroadcast: boolean().notNull().default(false),
    /** Where the sender watches its progress: one message edited every ~10 s, then a final report. */
    progressChatId: telegramId(),
    progressMessageId: integer(),
    createdAt: createdAt(),
    finishedAt: timestamptz(),
  },
  (t) => [index('announcements_sending_idx').on(t.id).where(sql`${t.finishedAt} is null`)],
);
