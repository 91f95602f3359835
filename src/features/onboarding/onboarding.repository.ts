import { and, eq, isNull } from 'drizzle-orm';
import type { CurrentMember } from '../../bot/context.js';
import type { DbOrTx } from '../../db/client.js';
import { consentEvents, familyMembers } from '../../db/schema/index.js';

/** The registered (not erased) family member with this Telegram id, if any. */
export async function findCurrentMember(db: DbOrTx, telegramId: number): Promise<CurrentMember | undefined> {
  const [row] = await db
    .select({ id: familyMembers.id, familyId: familyMembers.familyId, language: familyMembers.language })
    .from(familyMembers)
    .where(and(eq(familyMembers.telegramId, telegramId), isNull(familyMembers.erasedAt)));
  return row;
}

/** A refusal is stored with nothing but the Telegram id, the decision and the consent version. */
export async function recordConsentRefusal(db: DbOrTx, telegramId: number, consentVersion: string) {
  await db.insert(consentEvents).values({ telegramId, decision: 'refused', consentVersion });
}
