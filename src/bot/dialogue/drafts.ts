import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { dialogueDrafts } from '../../db/schema/index.js';

/** A dialogue's answers so far, as kept in PostgreSQL (db/schema/dialogues.ts). */
export interface StoredDraft {
  dialogue: string;
  args: unknown[];
  answers: Record<string, unknown>;
  step: string | null;
  consentVersion: string;
  aboutFamilyId: number | null;
}

export interface DraftWrite {
  telegramId: number;
  dialogue: string;
  args: unknown[];
  answers: Record<string, unknown>;
  step: string | null;
  consentVersion: string;
  aboutFamilyId?: number;
}

/**
 * The person's drafts as this update knows them: the most recent one, read with the member in the update's
 * one lookup (create-bot.ts), then kept up to date by this update's own writes, so that the resume, the
 * escape and a dialogue's entry need not ask PostgreSQL again. `known: false`: ask (not a private chat, or
 * this update erased the latest draft of one dialogue and another may be next).
 */
export interface DraftsSeen {
  known: boolean;
  latest: StoredDraft | undefined;
}

export const draftsUnknown = (): DraftsSeen => ({ known: false, latest: undefined });

/** This update saved `draft`: it is the person's latest now. */
export function sawDraftSaved(seen: DraftsSeen, draft: DraftWrite): void {
  const { telegramId: _person, aboutFamilyId, ...rest } = draft;
  seen.latest = { ...rest, aboutFamilyId: aboutFamilyId ?? null };
  seen.known = true;
}

/** This update erased the person's drafts of `dialogues` (all without). */
export function sawDraftsErased(seen: DraftsSeen, dialogues?: readonly string[]): void {
  if (!dialogues) {
    seen.known = true;
    seen.latest = undefined;
  } else if (seen.latest && dialogues.includes(seen.latest.dialogue)) {
    // An older draft of another dialogue may be the latest now.
    seen.known = false;
    seen.latest = undefined;
  }
}

/** Whether the person may have any draft at all. */
export const mayHaveDrafts = (seen: DraftsSeen) => !seen.known || seen.latest !== undefined;

const columns = {
  dialogue: dialogueDrafts.dialogue,
  args: dialogueDrafts.args,
  answers: dialogueDrafts.answers,
  step: dialogueDrafts.step,
  consentVersion: dialogueDrafts.consentVersion,
  aboutFamilyId: dialogueDrafts.aboutFamilyId,
};

/**
 * The checkpoint write of every answer, built once per database handle (drizzle's prepared query): the
 * statement's text is the same each time, so building it anew per answer (~3 % of the bot's CPU per update)
 * bought nothing. A conflict takes the proposed row (`excluded`), so each value is sent and encoded once.
 */
const excluded = (column: string) => sql.raw(`excluded.${column}`);
const preparedSave = preparedPerDb((db: DbOrTx) =>
  db
    .insert(dialogueDrafts)
    .values({
      telegramId: sql.placeholder('telegramId'),
      dialogue: sql.placeholder('dialogue'),
      args: sql.placeholder('args'),
      answers: sql.placeholder('answers'),
      step: sql.placeholder('step'),
      consentVersion: sql.placeholder('consentVersion'),
      aboutFamilyId: sql.placeholder('aboutFamilyId'),
      updatedAt: sql.placeholder('updatedAt'),
    })
    .onConflictDoUpdate({
      target: [dialogueDrafts.telegramId, dialogueDrafts.dialogue],
      set: {
        args: excluded('args'),
        answers: excluded('answers'),
        step: excluded('step'),
        consentVersion: excluded('consent_version'),
        aboutFamilyId: excluded('about_family_id'),
        updatedAt: excluded('updated_at'),
      },
    })
    .prepare('dialogue_drafts_save'),
);

/** What a write of the draft sets besides its key. */
const writtenColumns = (draft: DraftWrite, now: Date) => ({
  args: draft.args,
  answers: draft.answers,
  step: draft.step,
  consentVersion: draft.consentVersion,
  aboutFamilyId: draft.aboutFamilyId ?? null,
  updatedAt: now,
});

/**
 * Puts a draft back as it was, only where its row still is: a draft erased meanwhile («Удалить мои данные», a
 * curator's draft about a family that erased its data) stays erased. True when put back.
 */
async function restoreDraft(db: DbOrTx, draft: DraftWrite, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(dialogueDrafts)
    .set(writtenColumns(draft, now))
    .where(and(eq(dialogueDrafts.telegramId, draft.telegramId), eq(dialogueDrafts.dialogue, draft.dialogue)))
    .returning({ dialogue: dialogueDrafts.dialogue });
  return rows.length > 0;
}

/** The drafts of dialogues in progress: one row per person and dialogue, replaced whole on each answer. */
export function createDraftsRepository(db: DbOrTx) {
  return {
    async save(draft: DraftWrite, now = new Date()): Promise<void> {
      await preparedSave(db).execute({
        telegramId: draft.telegramId,
        dialogue: draft.dialogue,
        ...writtenColumns(draft, now),
      });
    },

    restore: (draft: DraftWrite, now?: Date) => restoreDraft(db, draft, now),

    async find(telegramId: number, dialogue: string): Promise<StoredDraft | undefined> {
      const [row] = await db
        .select(columns)
        .from(dialogueDrafts)
        .where(and(eq(dialogueDrafts.telegramId, telegramId), eq(dialogueDrafts.dialogue, dialogue)));
      return row;
    },

    /** The person's most recently answered draft, of whichever dialogue. */
    async latest(telegramId: number): Promise<StoredDraft | undefined> {
      const [row] = await db
        .select(columns)
        .from(dialogueDrafts)
        .where(eq(dialogueDrafts.telegramId, telegramId))
        .orderBy(desc(dialogueDrafts.updatedAt))
        .limit(1);
      return row;
    },

    /** One dialogue's draft of the person, or all of them without `dialogues`. Returns how many went. */
    async erase(telegramId: number, dialogues?: readonly string[]): Promise<number> {
      const rows = await db
        .delete(dialogueDrafts)
        .where(
          and(
            eq(dialogueDrafts.telegramId, telegramId),
            dialogues ? inArray(dialogueDrafts.dialogue, [...dialogues]) : undefined,
          ),
        )
        .returning({ dialogue: dialogueDrafts.dialogue });
      return rows.length;
    },

    /** Staff dialogues' drafts about a family whose data is erased. */
    async eraseAboutFamily(familyId: number): Promise<number> {
      const rows = await db
        .delete(dialogueDrafts)
        .where(eq(dialogueDrafts.aboutFamilyId, familyId))
        .returning({ dialogue: dialogueDrafts.dialogue });
      return rows.length;
    },

    /** Drafts nobody touched since `before`. */
    async eraseUntouchedSince(before: Date): Promise<number> {
      const rows = await db
        .delete(dialogueDrafts)
        .where(lt(dialogueDrafts.updatedAt, before))
        .returning({ dialogue: dialogueDrafts.dialogue });
      return rows.length;
    },
  };
}
