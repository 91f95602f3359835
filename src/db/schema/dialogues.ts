import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, telegramId, timestamptz } from '../columns.js';
import { families } from './families.js';

/**
 * The answers of a dialogue in progress, one row per person and dialogue, written with each answered
 * question (bot/dialogue/drafts.ts). The dialogue's live state is in Redis; when that is gone (a wipe, a
 * crash, a deploy that changes the dialogues) the person's next message re-enters the dialogue from here.
 * Written only after the person has given the consent that allows storing answers (`consent_version`);
 * erased when the dialogue ends, when it is left, on «Удалить мои данные», and after
 * DIALOGUE_DRAFT_DAYS untouched.
 */
export const dialogueDrafts = pgTable(
  'dialogue_drafts',
  {
    /** The person answering (their private chat). */
    telegramId: telegramId().notNull(),
    /** The conversation's id (onboarding, request, …). */
    dialogue: text().notNull(),
    /** What the dialogue was entered with, to enter it again the same way. */
    args: jsonb().$type<unknown[]>().notNull().default([]),
    answers: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** The last question answered. */
    step: text(),
    consentVersion: text().notNull(),
    /** A staff member's dialogue about a family (a phone intake): erased with that family's data. */
    aboutFamilyId: integer().references(() => families.id),
    createdAt: createdAt(),
    updatedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.telegramId, t.dialogue] }),
    index().on(t.updatedAt),
    index().on(t.aboutFamilyId),
  ],
);
