/** What the routing order reads of a staff member's row. */
export interface StaffPresence {
  id: number;
  role: string;
  active: boolean;
  botBlocked: boolean;
  awayUntil: Date | null;
  deputyId: number | null;
}

/** Away now: an absence set (/away) that has not ended. */
export const isAway = (member: StaffPresence, now: Date) =>
  member.awayUntil !== null && member.awayUntil > now;

/**
 * Can be given a request now: an active curator, not blocking the bot, not away. The row-side test of
 * staffReachableNow (staff.repository.ts), for rows already read.
 */
export const canTakeRequests = (member: StaffPresence, now: Date) =>
  member.role === 'curator' && member.active && !member.botBlocked && !isAway(member, now);

/** The deputy who may stand in for the curator now (the curator active, away, and named one): worth reading. */
export function standingDeputyId(curator: StaffPresence | undefined, now: Date): number | undefined {
  if (!curator?.active || !isAway(curator, now)) return undefined;
  return curator.deputyId ?? undefined;
}

/**
 * The first two steps of the routing order (SPEC §4): the family's curator if they can take requests;
 * else, while they are away, their deputy if the deputy can. Undefined: the rest of the order decides
 * (the least-loaded curator of the district, the on-call curator, the supervisors). `deputy` is the row of
 * standingDeputyId, read only when it gives one.
 */
export function familyCuratorOrDeputy<Member extends StaffPresence>(
  curator: Member | undefined,
  deputy: Member | undefined,
  now: Date,
): { member: Member; via: 'family_curator' | 'deputy' } | undefined {
  if (curator && canTakeRequests(curator, now)) return { member: curator, via: 'family_curator' };
  if (deputy && deputy.id === standingDeputyId(curator, now) && canTakeRequests(deputy, now))
    return { member: deputy, via: 'deputy' };
  return undefined;
}
