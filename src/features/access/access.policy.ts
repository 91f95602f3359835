import {
  isWaitingToBeTaken,
  openRequestStatuses,
  type RequestStatus,
  type StaffRole,
} from '../../db/schema/enums.js';

/**
 * The one rule for who may do what with a request now (SPEC §1, §4, §8). Every staff button and every staff
 * message to a family goes through it, with the request read from PostgreSQL at the moment of the press: a
 * card, a reminder or an alert in a chat may be days old, the request's state is not.
 */
export const requestActions = [
  /** «Взять в работу». */
  'take',
  /** «Ответить», a Telegram reply to a card or a relayed message, and the message itself. */
  'reply',
  /** «Ждём ответа семьи» and the question it sends. */
  'wait',
  'resolve',
  'reject',
  /** «Карточка семьи». */
  'family',
  /** «Показать полностью». */
  'details',
  /** A request's card from /my or a family card (the curator's card with its history). */
  'open',
  /** «Открыть» of supervision (an alert, /overdue, /find): the supervisor's card. */
  'oversee',
  /** «Переназначить» a request, and the choice of a curator for it. */
  'reassign',
  /** «Передать семью» and the choice of a curator for the family. */
  'reassign_family',
] as const;
export type RequestAction = (typeof requestActions)[number];

export type AccessReason =
  /** Not a staff member (a family member, a stranger pressing a forged button). */
  | 'not_staff'
  /** A staff member whom the admin deactivated. */
  | 'deactivated'
  /** Observers see aggregates only, never a family (SPEC §1). */
  | 'observer'
  /** Reassignment is a supervisor's decision. */
  | 'supervisors_only'
  | 'not_found'
  /** The family deleted its data: nothing about it can be done or shown any more. */
  | 'erased'
  /** The family's district is not the presser's. */
  | 'out_of_scope'
  /** A curator pressing on a request another curator has now (reassigned, or a colleague's). */
  | 'not_yours'
  /** Resolved, rejected or cancelled: no decision on it can be made any more. */
  | 'closed'
  /** Still waiting to be taken: resolving, rejecting or asking the family needs it taken first. */
  | 'not_taken'
  /** A supervisor pressing «Взять в работу» on a request a curator already has in work. */
  | 'taken_by_other'
  /**
   * Writing to a family nobody of which has a chat with the bot (registered by phone): the message could
   * reach no one, so it is not taken, and the staff member is told to call.
   */
  | 'no_chat';

export interface StaffSubject {
  id: number;
  role: StaffRole;
  active: boolean;
  regional: boolean;
  districtIds: readonly number[];
}

export interface RequestSubject {
  status: RequestStatus;
  curatorId: number | null;
  /** The curator's deputy while the curator is away: they act on the curator's requests meanwhile. */
  deputyId: number | null;
  /** The family's district. */
  districtId: number;
  familyErased: boolean;
}

export type AccessDecision = { ok: true; alreadyYours: boolean } | { ok: false; reason: AccessReason };

export const workStatuses: readonly RequestStatus[] = ['in_progress', 'waiting_family'];
export const openStatuses: readonly RequestStatus[] = openRequestStatuses;

/** What each action needs of the request's status; reading (family card, details, a card) needs nothing. */
const statusRule: Record<RequestAction, 'any' | 'waiting' | 'work' | 'open'> = {
  take: 'waiting',
  reply: 'any',
  wait: 'work',
  resolve: 'work',
  reject: 'work',
  family: 'any',
  details: 'any',
  open: 'any',
  oversee: 'any',
  reassign: 'open',
  reassign_family: 'any',
};

/**
 * Whether this staff member may do this to this request now:
 * - only an active curator or supervisor acts on requests; reassigning is a supervisor's;
 * - nothing is done or shown about a family that deleted its data;
 * - a supervisor acts on every request of their districts (a regional one: the region's);
 * - a curator acts on the requests they are the curator of (or the deputy of its curator, who is away),
 *   and on those of their districts that have no curator (routed to the supervisors); a request another curator has is not theirs, even in their
 *   district and even if it was theirs before a reassignment;
 * - then the status: take a request waiting to be taken; ask, resolve or reject one in work; reassign one
 *   still open. A curator pressing «Взять в работу» on a request already theirs in work is told so
 *   (`alreadyYours`), not refused. Replying, the family card, the details and the cards stay open to the
 *   request's people after it closes (the family may still write; the history is theirs to read).
 */
export function decideRequestAction(
  presser: StaffSubject | undefined,
  request: RequestSubject | undefined,
  action: RequestAction,
): AccessDecision {
  const refuse = (reason: AccessReason): AccessDecision => ({ ok: false, reason });
  if (!presser) return refuse('not_staff');
  if (!presser.active) return refuse('deactivated');
  if (presser.role === 'observer') return refuse('observer');
  if (presser.role !== 'curator' && presser.role !== 'supervisor') return refuse('not_staff');
  if (
    (action === 'reassign' || action === 'reassign_family' || action === 'oversee') &&
    presser.role !== 'supervisor'
  )
    return refuse('supervisors_only');
  if (!request) return refuse('not_found');
  if (request.familyErased) return refuse('erased');

  const inDistrict = presser.districtIds.includes(request.districtId);
  const own = request.curatorId === presser.id || request.deputyId === presser.id;
  if (presser.role === 'supervisor') {
    if (!presser.regional && !inDistrict && !own) return refuse('out_of_scope');
  } else if (!own) {
    if (!inDistrict) return refuse('out_of_scope');
    if (request.curatorId !== null) return refuse('not_yours');
  }

  const status = request.status;
  const closed = !openStatuses.includes(status);
  switch (statusRule[action]) {
    case 'waiting':
      if (isWaitingToBeTaken(status)) return { ok: true, alreadyYours: false };
      if (closed) return refuse('closed');
      return own ? { ok: true, alreadyYours: true } : refuse('taken_by_other');
    case 'work':
      if (workStatuses.includes(status)) return { ok: true, alreadyYours: false };
      return refuse(closed ? 'closed' : 'not_taken');
    case 'open':
      return closed ? refuse('closed') : { ok: true, alreadyYours: false };
    case 'any':
      return { ok: true, alreadyYours: false };
  }
}

/**
 * A family (not one request) in a staff member's reach: its curator, staff of its district, a regional
 * supervisor — for /family, the family card of a search, a general question's reply. Never an erased family.
 */
export function decideFamilyAccess(
  presser: StaffSubject | undefined,
  family: { curatorId: number | null; districtId: number; erased: boolean } | undefined,
): { ok: true } | { ok: false; reason: AccessReason } {
  if (!presser) return { ok: false, reason: 'not_staff' };
  if (!presser.active) return { ok: false, reason: 'deactivated' };
  if (presser.role === 'observer') return { ok: false, reason: 'observer' };
  if (presser.role !== 'curator' && presser.role !== 'supervisor') return { ok: false, reason: 'not_staff' };
  if (!family) return { ok: false, reason: 'not_found' };
  if (family.erased) return { ok: false, reason: 'erased' };
  if (family.curatorId === presser.id || presser.districtIds.includes(family.districtId)) return { ok: true };
  if (presser.role === 'supervisor' && presser.regional) return { ok: true };
  return { ok: false, reason: 'out_of_scope' };
}
