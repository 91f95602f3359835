import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, unique } from 'drizzle-orm/pg-core';
import { createdAt } from '../columns.js';
import { notifications } from './delivery.js';
import { escalations, requests } from './requests.js';
import { staff } from './staff.js';

/**
 * Every escalation alert one supervisor is owed, so the digest rule is exact across processes and
 * restarts: the alerts of the last minute are counted here (under a per-supervisor lock). An alert with a
 * notification went out on its own or inside a digest; one without is waiting for the digest.
 */
export const supervisorAlerts = pgTable(
  'supervisor_alerts',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    staffId: integer()
      .notNull()
      .references(() => staff.id),
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    escalationId: integer()
      .notNull()
      .references(() => escalations.id),
    notificationId: bigint({ mode: 'number' }).references(() => notifications.id),
    createdAt: createdAt(),
  },
  (t) => [
    unique().on(t.escalationId, t.staffId),
    index().on(t.staffId, t.createdAt),
    index('supervisor_alerts_buffered_idx').on(t.staffId, t.id).where(sql`${t.notificationId} is null`),
  ],
);
