import { and, eq, isNull, sql } from 'drizzle-orm';
import type { CurrentMember, Sender } from '../../bot/context.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { preparedRaw } from '../../db/prepared.js';
import type { Language } from '../../db/schema/enums.js';
import { consentEvents, familyMembers } from '../../db/schema/index.js';

/** The registered (not erased) family member with this Telegram id, if any. */
export async function findCurrentMember(db: DbOrTx, telegramId: number): Promise<CurrentMember | undefined> {
  const [row] = await db
    .select({ id: familyMembers.id, familyId: familyMembers.familyId, language: familyMembers.language })
    .from(familyMembers)
    .where(and(eq(familyMembers.telegramId, telegramId), isNull(familyMembers.erasedAt)));
  return row;
}

interface SenderRow extends Record<string, unknown> {
  member_id: number | null;
  family_id: number | null;
  language: Language | null;
  dialogue: string | null;
  args: unknown[] | null;
  answers: Record<string, unknown> | null;
  step: string | null;
  consent_version: string | null;
  about_family_id: number | null;
}

/** The sender's lookup (findSender), its text built once. */
const senderQuery = preparedRaw<SenderRow>(sql`
    select m.id as member_id, m.family_id, m.language,
           d.dialogue, d.args, d.answers, d.step, d.consent_version, d.about_family_id
    from (select 1) as one
    left join family_members m on m.telegram_id = ${sql.placeholder('telegramId')} and m.erased_at is null
    left join lateral (
      select dialogue, args, answers, step, consent_version, about_family_id from dialogue_drafts
      where telegram_id = ${sql.placeholder('telegramId')} order by updated_at desc limit 1
    ) d on true`);

/**
 * Who sent an update, in the update's one query: the registered member (as findCurrentMember) and their
 * most recently answered dialogue draft (bot/dialogue/drafts.ts `latest`), for the resume and the escape.
 */
export async function findSender(db: Db, telegramId: number): Promise<Sender> {
  const [row] = await senderQuery(db, { telegramId });
  if (!row) return { member: undefined, latestDraft: undefined };
  const member =
    row.member_id !== null && row.family_id !== null && row.language !== null
      ? { id: row.member_id, familyId: row.family_id, language: row.language }
      : undefined;
  const latestDraft =
    row.dialogue !== null && row.consent_version !== null
      ? {
          dialogue: row.dialogue,
          args: row.args ?? [],
          answers: row.answers ?? {},
          step: row.step,
          consentVersion: row.consent_version,
          aboutFamilyId: row.about_family_id,
        }
      : undefined;
  return { member, latestDraft };
}

/** A refusal is stored with nothing but the Telegram id, the decision and the consent version. */
export async function recordConsentRefusal(db: DbOrTx, telegramId: number, consentVersion: string) {
  await db.insert(consentEvents).values({ telegramId, decision: 'refused', consentVersion });
}
