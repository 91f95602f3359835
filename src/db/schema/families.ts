import { boolean, date, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import { districts } from './districts.js';
import {
  childInstitution,
  consentDecision,
  householdKind,
  language,
  reachedBy,
  relationship,
} from './enums.js';
import { staff } from './staff.js';

export const families = pgTable(
  'families',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    districtId: integer()
      .notNull()
      .references(() => districts.id),
    locality: text(),
    address: text(),
    /** From «Социальный паспорт» → «Работа»: 'employed' | 'unemployed' (looking for work); null: not said. */
    employment: text().$type<'employed' | 'unemployed'>(),
    curatorId: integer().references(() => staff.id),
    reachedBy: reachedBy().notNull().default('telegram'),
    /** Set when consent is withdrawn: personal fields are erased, the row stays for anonymous statistics. */
    erasedAt: timestamptz(),
    createdAt: createdAt(),
    updatedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.curatorId), index().on(t.districtId)],
);

export const familyMembers = pgTable(
  'family_members',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    telegramId: telegramId(),
    fullName: text(),
    relationship: relationship(),
    phone: text(),
    language: language().notNull().default('ru'),
    consentVersion: text(),
    consentAt: timestamptz(),
    /** Consent given orally on the phone, recorded by this curator (phone intake). */
    consentRecordedById: integer().references(() => staff.id),
    botBlocked: boolean().notNull().default(false),
    /** «Настройки» → announcements off: no broadcasts (features/announcements); the curator still writes. */
    announcementsOff: boolean().notNull().default(false),
    erasedAt: timestamptz(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.telegramId), index().on(t.familyId), index().on(t.phone)],
);

/** Consent decisions by Telegram user, including refusals by people of whom nothing else is stored. */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    telegramId: telegramId(),
    memberId: integer().references(() => familyMembers.id),
    decision: consentDecision().notNull(),
    consentVersion: text().notNull(),
    recordedById: integer().references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.telegramId)],
);

export const familyInvites = pgTable('family_invites', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  tokenHash: text().notNull().unique(),
  familyId: integer()
    .notNull()
    .references(() => families.id),
  createdByMemberId: integer()
    .notNull()
    .references(() => familyMembers.id),
  expiresAt: timestamptz().notNull(),
  usedAt: timestamptz(),
  usedByMemberId: integer().references(() => familyMembers.id),
  createdAt: createdAt(),
});

export const servicemen = pgTable('servicemen', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  familyId: integer()
    .notNull()
    .references(() => families.id),
  fullName: text(),
  birthDate: date({ mode: 'string' }),
  createdAt: createdAt(),
});

export const householdMembers = pgTable(
  'household_members',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    kind: householdKind().notNull(),
    fullName: text(),
    birthDate: date({ mode: 'string' }),
    institution: childInstitution(),
    institutionName: text(),
    careNeeds: text(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.familyId)],
);

export const supportMeasures = pgTable(
  'support_measures',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    familyId: integer()
      .notNull()
      .references(() => families.id),
    measure: text().notNull(),
    since: date({ mode: 'string' }),
    note: text(),
    recordedById: integer().references(() => staff.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.familyId)],
);
