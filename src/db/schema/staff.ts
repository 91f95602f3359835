import { type AnyPgColumn, boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import { districts } from './districts.js';
import { requestCategory, staffRole } from './enums.js';

export const staff = pgTable('staff', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  role: staffRole().notNull(),
  telegramId: telegramId().notNull().unique(),
  fullName: text().notNull(),
  active: boolean().notNull().default(true),
  /** A supervisor or observer whose scope is the whole region rather than listed districts. */
  regional: boolean().notNull().default(false),
  /** The region's on-call curator receives requests no district curator can take. */
  onCall: boolean().notNull().default(false),
  awayUntil: timestamptz(),
  deputyId: integer().references((): AnyPgColumn => staff.id),
  botBlocked: boolean().notNull().default(false),
  /** A psychologist's institution (the centre or clinic they work for), shown to families. */
  institution: text(),
  inviteId: integer(),
  createdAt: createdAt(),
  deactivatedAt: timestamptz(),
});

export const staffDistricts = pgTable(
  'staff_districts',
  {
    staffId: integer()
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    districtId: integer()
      .notNull()
      .references(() => districts.id),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.districtId] }), index().on(t.districtId)],
);

/**
 * Request categories an observer's figures are limited to (a medical organisation: `medical`,
 * `psychologist`); none listed means every category.
 */
export const staffCategories = pgTable(
  'staff_categories',
  {
    staffId: integer()
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    category: requestCategory().notNull(),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.category] })],
);

export const staffInvites = pgTable('staff_invites', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  /** SHA-256 of the secret part of the deep-link payload; the secret itself is never stored. */
  tokenHash: text().notNull().unique(),
  role: staffRole().notNull(),
  districtIds: integer().array().notNull(),
  regional: boolean().notNull().default(false),
  fullName: text(),
  institution: text(),
  expiresAt: timestamptz().notNull(),
  usedAt: timestamptz(),
  usedByStaffId: integer().references(() => staff.id),
  createdAt: createdAt(),
});
