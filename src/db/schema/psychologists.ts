import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz } from '../columns.js';
import { actorKind, consultationFormat, consultationStatus } from './enums.js';
import { families } from './families.js';
import { requests } from './requests.js';
import { staff } from './staff.js';

/** Working hours of one weekday (1 Monday … 7 Sunday) as minutes of the region's day. */
export interface WorkingHours {
  weekday: number;
  fromMinute: number;
  toMinute: number;
}

/** A psychologist's weekly schedule, kept by them in the bot (features/psychologists). */
export const psychologistSchedules = pgTable('psychologist_schedules', {
  staffId: integer()
    .primaryKey()
    .references(() => staff.id, { onDelete: 'cascade' }),
  slotMinutes: integer().notNull().default(50),
  hours: jsonb().$type<WorkingHours[]>().notNull().default([]),
  formats: consultationFormat().array().notNull().default(sql`'{video,phone}'`),
  /** Where in-person consultations are held. */
  address: text(),
  /** Days off (`YYYY-MM-DD` in the region), on top of weekdays without hours. */
  daysOff: text().array().notNull().default(sql`'{}'`),
  updatedAt: timestamptz().notNull().defaultNow(),
});

/**
 * One consultation booked for a family's psychologist request. Two families can never hold one slot: a
 * psychologist has at most one booked consultation starting at a moment (the partial unique index), and a
 * request at most one booked consultation. A rescheduled one is cancelled and a new row booked.
 */
export const consultations = pgTable(
  'consultations',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    psychologistId: integer()
      .notNull()
      .references(() => staff.id),
    startsAt: timestamptz().notNull(),
    endsAt: timestamptz().notNull(),
    format: consultationFormat().notNull(),
    /** The booking's own unguessable code: its video link (PSY_VIDEO_LINK_TEMPLATE) and its calendar uid. */
    joinToken: text().notNull(),
    status: consultationStatus().notNull().default('booked'),
    /** A code (consultation reasons in the Fluent files), never free text. */
    cancelReason: text(),
    cancelledBy: actorKind(),
    /** The psychologist's notes: read by psychologists only, every opening audited. */
    notes: text(),
    createdAt: createdAt(),
    closedAt: timestamptz(),
  },
  (t) => [
    uniqueIndex('consultations_slot_booked_idx')
      .on(t.psychologistId, t.startsAt)
      .where(sql`${t.status} = 'booked'`),
    uniqueIndex('consultations_request_booked_idx').on(t.requestId).where(sql`${t.status} = 'booked'`),
    index().on(t.psychologistId, t.startsAt),
    index().on(t.familyId),
  ],
);

/** A psychologist request that found no free slot within 14 days: waiting, the supervisors told. */
export const consultationWaitlist = pgTable('consultation_waitlist', {
  requestId: integer()
    .primaryKey()
    .references(() => requests.id),
  familyId: integer()
    .notNull()
    .references(() => families.id),
  districtId: integer().notNull(),
  createdAt: createdAt(),
  /** Set when the family got a slot (or the request closed). */
  leftAt: timestamptz(),
});

export type Consultation = typeof consultations.$inferSelect;
