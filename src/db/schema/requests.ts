import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  smallint,
  text,
  unique,
} from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import {
  actorKind,
  attachmentKind,
  escalationClock,
  escalationLevel,
  messageDirection,
  messageKind,
  requestCategory,
  requestEventType,
  requestPriority,
  requestStatus,
} from './enums.js';
import { families, familyMembers } from './families.js';
import { staff } from './staff.js';

/** Human request numbers (`№ 1042`) start at 1001 so that the first requests do not look like test data. */
export const requestNumberSeq = pgSequence('request_number_seq', { startWith: 1001 });

export const requests = pgTable(
  'requests',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    number: integer().notNull().unique().default(sql`nextval('request_number_seq')`),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    /** The family member who made it; null when a curator created it on the family's behalf. */
    memberId: integer().references(() => familyMembers.id),
    createdByStaffId: integer().references(() => staff.id),
    category: requestCategory().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The support measure whose «Хочу оформить» the family pressed (`measures.code`); null otherwise. */
    measureCode: text(),
    priority: requestPriority().notNull().default('normal'),
    status: requestStatus().notNull().default('new'),
    curatorId: integer().references(() => staff.id),
    createdAt: createdAt(),
    assignedAt: timestamptz(),
    takenAt: timestamptz(),
    takenById: integer().references(() => staff.id),
    resolvedAt: timestamptz(),
    closedAt: timestamptz(),
    takeDeadlineAt: timestamptz().notNull(),
    resolveDeadlineAt: timestamptz().notNull(),
    rating: smallint(),
    ratingComment: text(),
    updatedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [
    index().on(t.familyId),
    index().on(t.curatorId, t.status),
    index().on(t.status, t.takeDeadlineAt),
    index().on(t.createdAt),
    // The deadline reconciler pages through open requests by id (100,000 of them must rebuild in seconds).
    index('requests_open_id_idx')
      .on(t.id)
      .where(sql`${t.status} in ('new', 'assigned', 'in_progress', 'waiting_family')`),
  ],
);

/** Append-only history of a request: transitions, messages, assignments, escalations, staff views. */
export const requestEvents = pgTable(
  'request_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    type: requestEventType().notNull(),
    actorKind: actorKind().notNull(),
    actorStaffId: integer().references(() => staff.id),
    actorMemberId: integer().references(() => familyMembers.id),
    /** Ids and codes only (statuses, levels, message ids); free text lives in its own tables. */
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.requestId, t.id)],
);

export const messages = pgTable(
  'messages',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Null for a family's general question that is not about one request. */
    requestId: integer().references(() => requests.id),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    direction: messageDirection().notNull(),
    senderMemberId: integer().references(() => familyMembers.id),
    senderStaffId: integer().references(() => staff.id),
    kind: messageKind().notNull(),
    text: text(),
    fileId: text(),
    mediaGroupId: text(),
    familyChatId: telegramId(),
    familyMessageId: integer(),
    staffChatId: telegramId(),
    staffMessageId: integer(),
    editedAt: timestamptz(),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.requestId),
    /** The relay keeps a family's messages in order: the earlier ones of a conversation (relay.content.ts). */
    index().on(t.familyId, t.id),
    index().on(t.familyChatId, t.familyMessageId),
    index().on(t.staffChatId, t.staffMessageId),
  ],
);

/**
 * A family member's message typed outside any dialogue, kept until they choose in one tap where it goes (a
 * request's curator, a general question, a new request); deleted once it has gone (features/relay).
 */
export const heldMessages = pgTable(
  'held_messages',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    memberId: integer()
      .notNull()
      .references(() => familyMembers.id, { onDelete: 'cascade' }),
    chatId: telegramId().notNull(),
    telegramMessageId: integer().notNull(),
    kind: messageKind().notNull(),
    text: text(),
    fileId: text(),
    fileUniqueId: text(),
    fileName: text(),
    mimeType: text(),
    fileSize: integer(),
    mediaGroupId: text(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.memberId, t.id), unique().on(t.chatId, t.telegramMessageId)],
);

export const attachments = pgTable(
  'attachments',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    kind: attachmentKind().notNull(),
    fileId: text().notNull(),
    fileUniqueId: text(),
    fileName: text(),
    mimeType: text(),
    fileSize: integer(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.requestId)],
);

/** One row per escalation level fired, so each level happens once per request even across restarts. */
export const escalations = pgTable(
  'escalations',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    clock: escalationClock().notNull(),
    level: escalationLevel().notNull(),
    firedAt: createdAt(),
  },
  (t) => [unique().on(t.requestId, t.clock, t.level)],
);

export type Request = typeof requests.$inferSelect;
export type NewRequest = typeof requests.$inferInsert;
