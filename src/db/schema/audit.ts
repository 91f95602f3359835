import { bigint, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from '../columns.js';
import { families } from './families.js';
import { requests } from './requests.js';
import { staff } from './staff.js';

/** Staff reads of personal data (family cards, exports) and other staff actions worth tracing. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    staffId: integer().references(() => staff.id),
    action: text().notNull(),
    familyId: integer().references(() => families.id),
    requestId: integer().references(() => requests.id),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.createdAt), index().on(t.staffId)],
);
