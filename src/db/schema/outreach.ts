import { date, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz } from '../columns.js';
import { requestCategory } from './enums.js';
import { families, familyMembers } from './families.js';
import { staff } from './staff.js';

/**
 * The catalogue of support measures, managed by admins (`npm run admin -- measures import`). Eligibility
 * is rules over the social passport (features/support-measures/support-measures.rules.ts), checked by zod
 * when imported and again when read.
 */
export const measures = pgTable('measures', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  code: text().notNull().unique(),
  title: text().notNull(),
  /** What the measure gives, in a sentence or two. */
  gives: text().notNull(),
  /** Who is eligible, as people read it; `eligibility` is the same as rules. */
  whoIsEligible: text().notNull(),
  /** How to get it: documents, where to apply, contacts. */
  howToGet: jsonb().$type<{ documents: string[]; where: string; contacts: string }>().notNull(),
  eligibility: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  validFrom: date({ mode: 'string' }),
  validTo: date({ mode: 'string' }),
  requestCategory: requestCategory().notNull(),
  createdAt: createdAt(),
  updatedAt: timestamptz().notNull().defaultNow(),
});

/** A measure offered to a family on its own («Вам теперь положено»): once per family and measure, ever. */
export const measureOffers = pgTable(
  'measure_offers',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    measureCode: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.familyId, t.measureCode)],
);

/**
 * One «Как у вас дела?» to a family: when it was made, the family's answer, the curator's notice when
 * nobody answered within 7 days, and the outcome of the curator's call.
 */
export const checkIns = pgTable(
  'check_ins',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    memberId: integer()
      .notNull()
      .references(() => familyMembers.id),
    /** 'fine' | 'question' | 'call' (check-ins.schemas.ts). */
    answer: text(),
    answeredAt: timestamptz(),
    silentNoticeAt: timestamptz(),
    /** 'talked' | 'needs_help' | 'no_answer'. */
    callOutcome: text(),
    callRecordedAt: timestamptz(),
    callRecordedById: integer().references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.familyId, t.createdAt), index().on(t.answeredAt, t.silentNoticeAt)],
);
