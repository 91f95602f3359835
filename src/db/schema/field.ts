import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt } from '../columns.js';
import { districts } from './districts.js';
import { families } from './families.js';
import { requests } from './requests.js';
import { staff } from './staff.js';

/** A needs questionnaire filled in by a field worker or a curator for a household visited or called. */
export const fieldQuestionnaires = pgTable(
  'field_questionnaires',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    /** The family's district when it was filled in (statistics stay by district after an erasure). */
    districtId: integer()
      .notNull()
      .references(() => districts.id),
    staffId: integer()
      .notNull()
      .references(() => staff.id),
    /** 'visit' or 'call'. */
    contact: text().$type<'visit' | 'call'>().notNull(),
    /** The answers, codes only (no free text): what a topic needs is in the requests it made. */
    answers: jsonb().$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.familyId), index().on(t.createdAt)],
);

/** A request found in the field: made from a questionnaire's «нужна помощь» answer on one topic. */
export const fieldFindings = pgTable(
  'field_findings',
  {
    questionnaireId: integer()
      .notNull()
      .references(() => fieldQuestionnaires.id),
    requestId: integer()
      .notNull()
      .references(() => requests.id)
      .unique(),
    topic: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionnaireId, t.topic] })],
);
