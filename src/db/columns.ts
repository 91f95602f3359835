import { bigint, timestamp } from 'drizzle-orm/pg-core';

/** Telegram ids exceed 2^31 and may exceed 2^52 in the future; stored as bigint, handled as JS numbers today. */
export const telegramId = () => bigint({ mode: 'number' });

export const timestamptz = () => timestamp({ withTimezone: true, mode: 'date' });

export const createdAt = () => timestamptz().notNull().defaultNow();
