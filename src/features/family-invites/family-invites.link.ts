import type { BotContext } from '../../bot/context.js';
import { formatRegionTime } from '../../time.js';
import { createFamilyInvite } from './family-invites.usecases.js';

/**
 * Makes a single-use invite for a second member of the owner's family and the message that carries it:
 * `https://t.me/<bot>?start=fam_<secret>`, valid for INVITE_TTL_HOURS. Only the secret's hash is stored.
 */
export async function createInviteLink(ctx: BotContext, owner: { familyId: number; memberId: number }) {
  const { payload, expiresAt } = await createFamilyInvite(
    { db: ctx.deps.db, ttlHours: ctx.deps.config.inviteTtlHours },
    owner,
  );
  ctx.log.info({ familyId: owner.familyId }, 'family invite created');
  const link = `https://t.me/${ctx.me.username}?start=${payload}`;
  const until = formatRegionTime(expiresAt, ctx.deps.config.timeZone, ctx.language);
  return { link, text: ctx.t('family-invite-link', { link, until }) };
}
