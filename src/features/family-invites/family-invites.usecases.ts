import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { familyInvites } from '../../db/schema/index.js';

/**
 * Invites for a second member of a family: made from the passport or the settings, checked and claimed
 * when the invited person registers (onboarding). Only a secret's hash is stored.
 */

/** Deep-link payload of a family invite: a prefix and 32 random characters (Telegram allows 64). */
const FAMILY_INVITE_PREFIX = 'fam_';
const FAMILY_INVITE_PATTERN = /^fam_[A-Za-z0-9_-]{32}$/;

/** A /start payload meant as a family invite (well formed or not). */
export function isFamilyInvitePayload(payload: string): boolean {
  return payload.startsWith(FAMILY_INVITE_PREFIX);
}

/** A payload that can be an invite at all; anything else is forged without a look at the database. */
export function isWellFormedFamilyInvite(payload: string): boolean {
  return FAMILY_INVITE_PATTERN.test(payload);
}

function hashFamilyInvite(payload: string): string {
  return createHash('sha256').update(payload).digest('hex');
}

/** A single-use, expiring invite for a second family member; only its hash is stored. */
export async function createFamilyInvite(
  { db, now = new Date(), ttlHours }: { db: Db; now?: Date; ttlHours: number },
  input: { familyId: number; memberId: number },
) {
  const payload = `${FAMILY_INVITE_PREFIX}${randomBytes(24).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await db.insert(familyInvites).values({
    tokenHash: hashFamilyInvite(payload),
    familyId: input.familyId,
    createdByMemberId: input.memberId,
    expiresAt,
  });
  return { payload, expiresAt };
}

export type FamilyInviteState = 'valid' | 'used' | 'expired' | 'forged';

/** Whether an invite can still be used (checked before consent, claimed again atomically when joining). */
export async function checkFamilyInvite(
  { db, now = new Date() }: { db: Db; now?: Date },
  payload: string,
): Promise<FamilyInviteState> {
  if (!FAMILY_INVITE_PATTERN.test(payload)) return 'forged';
  const [invite] = await db
    .select({ usedAt: familyInvites.usedAt, expiresAt: familyInvites.expiresAt })
    .from(familyInvites)
    .where(eq(familyInvites.tokenHash, hashFamilyInvite(payload)));
  if (!invite) return 'forged';
  if (invite.usedAt) return 'used';
  return invite.expiresAt <= now ? 'expired' : 'valid';
}

/**
 * Claims a valid invite in the joining transaction: used from `now`, so a second claim finds nothing.
 * Undefined when it is used, expired or forged (checkFamilyInvite says which).
 */
export async function claimFamilyInvite(tx: DbOrTx, payload: string, now: Date) {
  const [invite] = await tx
    .update(familyInvites)
    .set({ usedAt: now })
    .where(
      and(
        eq(familyInvites.tokenHash, hashFamilyInvite(payload)),
        isNull(familyInvites.usedAt),
        gt(familyInvites.expiresAt, now),
      ),
    )
    .returning({ id: familyInvites.id, familyId: familyInvites.familyId });
  return invite;
}

/** Who joined by a claimed invite. */
export async function recordFamilyInviteUser(tx: DbOrTx, inviteId: number, memberId: number) {
  await tx.update(familyInvites).set({ usedByMemberId: memberId }).where(eq(familyInvites.id, inviteId));
}
