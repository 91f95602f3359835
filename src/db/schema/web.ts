import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import { staff } from './staff.js';

/** Who a monitoring sign-in is for: a supervisor or an observer (a staff row), or an admin (WEB_ADMINS). */
export const webRoles = ['supervisor', 'observer', 'admin'] as const;
export type WebRole = (typeof webRoles)[number];

/**
 * One-time sign-in links the bot's /web gives: single use, short-lived, bound to the Telegram account and the
 * role it was issued for. Only the SHA-256 of the secret is stored.
 */
export const webLinks = pgTable('web_links', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  tokenHash: text().notNull().unique(),
  telegramId: telegramId().notNull(),
  role: text().$type<WebRole>().notNull(),
  staffId: integer().references(() => staff.id, { onDelete: 'cascade' }),
  expiresAt: timestamptz().notNull(),
  usedAt: timestamptz(),
  createdAt: createdAt(),
});

/** Monitoring sessions (the cookie holds the secret, this table its SHA-256); ended, never deleted at once. */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    tokenHash: text().notNull().unique(),
    telegramId: telegramId().notNull(),
    role: text().$type<WebRole>().notNull(),
    staffId: integer().references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamptz().notNull().defaultNow(),
    endedAt: timestamptz(),
    /** `signed_out`, `idle`, `deactivated`, `role_changed`. */
    endedReason: text(),
  },
  (t) => [index().on(t.staffId)],
);
