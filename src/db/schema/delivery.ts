import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import { notificationStatus, outboxStatus } from './enums.js';
import { families, familyMembers } from './families.js';
import { requests } from './requests.js';
import { staff } from './staff.js';

/**
 * Transactional outbox: written in the same transaction as the change that needs delivering.
 * The payload carries ids only, never personal data.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: outboxStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    createdAt: createdAt(),
    dispatchedAt: timestamptz(),
    /**
     * When its routing was done (the notifications it makes exist). A dispatched event without it lost its
     * routing job (a Redis wipe, a job given up): the reconciler queues it again.
     */
    routedAt: timestamptz(),
  },
  (t) => [
    index().on(t.status, t.id),
    index('outbox_unrouted_idx').on(t.id).where(sql`${t.status} = 'dispatched' and ${t.routedAt} is null`),
  ],
);

/** One message the system must send on its own to one chat, with its delivery state. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Makes producing the same notification twice a no-op (e.g. `request:12:card:staff:3`). */
    dedupeKey: text().notNull().unique(),
    kind: text().notNull(),
    requestId: integer().references(() => requests.id),
    recipientStaffId: integer().references(() => staff.id),
    recipientMemberId: integer().references(() => familyMembers.id),
    /**
     * The family whose data the message shows (a card, a relayed message, a family card, a reminder):
     * what «Удалить мои данные» takes back from staff chats. Null for a message about no one family.
     */
    familyId: integer().references(() => families.id),
    chatId: telegramId().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: notificationStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    telegramMessageId: integer(),
    lastError: text(),
    createdAt: createdAt(),
    sentAt: timestamptz(),
  },
  (t) => [
    index().on(t.status, t.id),
    index().on(t.familyId),
    // What is still on its way to a chat (a reply's wait for its copy to be recorded, the relay's order, the
    // lanes' rebuild): without it each look read every pending row, thousands under a backlog.
    index('notifications_pending_chat_idx').on(t.chatId).where(sql`${t.status} = 'pending'`),
    // What a staff member was sent (a deactivation takes back every message showing a family's data; a
    // hand-over reads the copies still on their way to them): without it each look read the whole table.
    index('notifications_recipient_staff_idx')
      .on(t.recipientStaffId)
      .where(sql`${t.recipientStaffId} is not null`),
    // An announcement's progress counts its recipients by status (features/announcements).
    index('notifications_announcement_idx')
      .on(sql`((${t.payload}->>'announcementId')::int)`, t.status)
      .where(sql`${t.kind} = 'announcement'`),
  ],
);
