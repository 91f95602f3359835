import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from '../columns.js';
import { districtKind } from './enums.js';

export const districts = pgTable('districts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  /** Short latin code used by admins on the command line (`lipetsk`, `gryazi`…). */
  code: text().notNull().unique(),
  name: text().notNull(),
  kind: districtKind().notNull(),
  createdAt: createdAt(),
});
