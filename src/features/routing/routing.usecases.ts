import type { Db, DbOrTx } from '../../db/client.js';
import {
  canTakeRequests,
  familyCuratorOrDeputy,
  isAway,
  leastLoadedCurator,
  standingDeputyId,
} from '../staff/index.js';
import { notificationKinds } from './routing.kinds.js';
import { createRoutingRepository, type StaffRow } from './routing.repository.js';

/** Why a curator got a request: the branch of the routing order (SPEC §4) that chose them. */
export type RoutedVia = 'family_curator' | 'deputy' | 'least_loaded' | 'on_call';

export type RoutingChoice =
  | { kind: 'curator'; staffId: number; via: RoutedVia }
  | { kind: 'supervisors'; staffIds: number[] }
  | { kind: 'nobody' };

/**
 * The routing order of SPEC §4: the family's curator if active and present → their deputy while they are
 * away → the least-loaded active curator of the district → the region's on-call curator → the district
 * supervisors. Someone who blocked the bot is never chosen (they are flagged when a send gets 403).
 */
export async function chooseRecipient(
  db: DbOrTx,
  family: { districtId: number; curatorId: number | null },
  now: Date,
): Promise<RoutingChoice> {
  const repository = createRoutingRepository({ db });
  const curator = family.curatorId === null ? undefined : await repository.findStaff(family.curatorId);
  const deputyId = standingDeputyId(curator, now);
  const deputy = deputyId === undefined ? undefined : await repository.findStaff(deputyId);
  const first = familyCuratorOrDeputy(curator, deputy, now);
  if (first) return { kind: 'curator', staffId: first.member.id, via: first.via };
  const leastLoaded = await leastLoadedCurator(db, family.districtId, { now });
  if (leastLoaded !== undefined) return { kind: 'curator', staffId: leastLoaded, via: 'least_loaded' };
  const onCall = await repository.onCallCurator(now);
  if (onCall !== undefined) return { kind: 'curator', staffId: onCall, via: 'on_call' };
  const supervisors = await repository.supervisorsFor(family.districtId, now);
  if (supervisors.length > 0) return { kind: 'supervisors', staffIds: supervisors };
  return { kind: 'nobody' };
}

/**
 * Who handles a curator's work right now: their deputy while they are away (and the deputy is an active
 * curator, present, reachable), otherwise the curator themselves. For messages and reminders about a request.
 */
export async function effectiveCuratorId(db: DbOrTx, staffId: number, now = new Date()): Promise<number> {
  return (await effectiveCurator(db, staffId, now))?.id ?? staffId;
}

/** Whether a curator away now hands their work to this deputy (an active curator, present, reachable). */
const standsIn = (member: StaffRow, deputy: StaffRow | null | undefined, now: Date): deputy is StaffRow =>
  isAway(member, now) && member.deputyId !== null && !!deputy && canTakeRequests(deputy, now);

/** As effectiveCurator, from the rows read already: the curator's and their deputy's. */
export function effectiveOf(
  member: StaffRow | null | undefined,
  deputy: StaffRow | null | undefined,
  now: Date,
) {
  if (!member) return undefined;
  return standsIn(member, deputy, now) ? deputy : member;
}

/** As effectiveCuratorId, with the staff row of whoever it is (undefined: no such staff member). */
export async function effectiveCurator(db: DbOrTx, staffId: number, now = new Date()) {
  const repository = createRoutingRepository({ db });
  const member = await repository.findStaff(staffId);
  if (!member || !isAway(member, now) || member.deputyId === null) return member;
  return effectiveOf(member, await repository.findStaff(member.deputyId), now);
}

const cardKey = (requestId: number, staffId: number) => `request:${requestId}:card:staff:${staffId}`;

/**
 * The request given to the choice, its `assigned` event and the cards, in `tx`. The three writes depend on
 * none of each other, so they are sent together (pipelined on the transaction's connection: one wait for
 * PostgreSQL instead of three, on the way from a family's «Отправить» to the curator's card); if one
 * fails, the transaction fails with it.
 */
async function assign(
  tx: DbOrTx,
  request: { id: number; familyId: number },
  choice: Exclude<RoutingChoice, { kind: 'nobody' }>,
  now: Date,
  extra: Record<string, unknown> = {},
) {
  const repository = createRoutingRepository({ db: tx });
  const requestId = request.id;
  const recipients = choice.kind === 'curator' ? [choice.staffId] : choice.staffIds;
  const [, , cards] = await Promise.all([
    repository.assignRequest(requestId, choice.kind === 'curator' ? choice.staffId : null, now),
    repository.addSystemEvent(
      requestId,
      'assigned',
      choice.kind === 'curator'
        ? { staffId: choice.staffId, via: choice.via, ...extra }
        : { supervisorIds: choice.staffIds, via: 'supervisors', ...extra },
    ),
    repository.notifyStaff(
      recipients.map((staffId) => ({
        staffId,
        kind: notificationKinds.requestCard,
        dedupeKey: cardKey(requestId, staffId),
        requestId,
        familyId: request.familyId,
        payload: extra.rerouted === true ? { rerouted: true } : {},
      })),
    ),
  ]);
  return cards;
}

export type RoutingOutcome =
  | { routed: true; choice: Exclude<RoutingChoice, { kind: 'nobody' }>; notificationIds: number[] }
  | { routed: false; reason: 'not_found' | 'nobody' | 'already_routed'; notificationIds: number[] };

/**
 * Routes a new request once: the request row is locked, so two workers running the same job serialise and
 * the second finds it already routed (and only hands back the cards still to be sent).
 */
export async function routeRequest(
  { db, now = new Date() }: { db: Db; now?: Date },
  requestId: number,
): Promise<RoutingOutcome> {
  return db.transaction(async (tx) => {
    const repository = createRoutingRepository({ db: tx });
    const locked = await repository.lockRequest(requestId);
    if (!locked) return { routed: false, reason: 'not_found', notificationIds: [] } as const;
    if (locked.request.status !== 'new') {
      const pending = await repository.pendingNotificationsOfRequest(requestId);
      return { routed: false, reason: 'already_routed', notificationIds: pending } as const;
    }
    const choice = await chooseRecipient(tx, locked.family, now);
    // Nobody at all: the request stays `new`, and the reconciler routes it again on its next pass.
    if (choice.kind === 'nobody') return { routed: false, reason: 'nobody', notificationIds: [] } as const;
    const notificationIds = await assign(tx, locked.request, choice, now);
    return { routed: true, choice, notificationIds } as const;
  });
}

/** Tells the district supervisors that a family registered where no curator is active. */
export async function notifyFamilyWithoutCurator(
  { db, now = new Date() }: { db: Db; now?: Date },
  familyId: number,
): Promise<number[]> {
  const repository = createRoutingRepository({ db });
  const family = await repository.findFamily(familyId);
  if (!family) return [];
  const supervisors = await repository.supervisorsFor(family.districtId, now);
  return repository.notifyStaff(
    supervisors.map((staffId) => ({
      staffId,
      kind: notificationKinds.familyWithoutCurator,
      dedupeKey: `family:${familyId}:without-curator:staff:${staffId}`,
      payload: { familyId },
    })),
  );
}

/** Tells a curator that a family is theirs now; one notification per outbox row. */
export async function notifyFamilyAssigned(
  { db }: { db: Db },
  outboxId: number,
  assigned: { familyId: number; staffId: number; reason: string },
): Promise<number[]> {
  return createRoutingRepository({ db }).notifyStaff([
    {
      staffId: assigned.staffId,
      kind: notificationKinds.familyAssigned,
      dedupeKey: `outbox:${outboxId}:staff:${assigned.staffId}`,
      payload: { familyId: assigned.familyId, reason: assigned.reason },
    },
  ]);
}

/**
 * A staff recipient turned out to have blocked the bot (already flagged by the caller, in `tx`). A request
 * card they should have got goes to the next recipient in the routing order, and the supervisors are told.
 */
export async function rerouteAfterUnreachable(
  tx: DbOrTx,
  input: { notificationId: number; kind: string; requestId: number | null; staffId: number },
  now = new Date(),
): Promise<number[]> {
  if (input.kind !== notificationKinds.requestCard || input.requestId === null) return [];
  const repository = createRoutingRepository({ db: tx });
  const locked = await repository.lockRequest(input.requestId);
  if (!locked) return [];
  const { request, family } = locked;
  await repository.addSystemEvent(request.id, 'delivery_failed', {
    staffId: input.staffId,
    reason: 'bot_blocked',
  });
  const created: number[] = [];
  // Where the request went, for the supervisors' message: a curator's id, the supervisors, nobody, or
  // 'unchanged' when it was not waiting for this person (taken meanwhile, or supervisors already have it).
  let next: { kind: 'curator'; staffId: number } | { kind: 'supervisors' | 'nobody' | 'unchanged' } = {
    kind: 'unchanged',
  };
  if (request.status === 'assigned' && request.curatorId === input.staffId) {
    const choice = await chooseRecipient(tx, family, now);
    if (choice.kind === 'nobody') {
      // Back to `new`: the reconciler routes it again as soon as someone can take it.
      await repository.unassignRequest(request.id, now);
      next = { kind: 'nobody' };
    } else {
      created.push(...(await assign(tx, request, choice, now, { rerouted: true })));
      next =
        choice.kind === 'curator' ? { kind: 'curator', staffId: choice.staffId } : { kind: 'supervisors' };
    }
  }
  const supervisors = await repository.supervisorsFor(family.districtId, now, {
    excludeStaffIds: [input.staffId],
  });
  created.push(
    ...(await repository.notifyStaff(
      supervisors.map((staffId) => ({
        staffId,
        kind: notificationKinds.recipientUnreachable,
        dedupeKey: `notification:${input.notificationId}:unreachable:staff:${staffId}`,
        requestId: request.id,
        payload: {
          unreachableStaffId: input.staffId,
          next: next.kind,
          nextStaffId: next.kind === 'curator' ? next.staffId : null,
        },
      })),
    )),
  );
  return created;
}

/**
 * Tells every family member of the request's family who can be reached in Telegram (has a Telegram id, not
 * erased) about the request. One notification per outbox row and member: a job run twice creates nothing new.
 */
export async function notifyFamily(
  { db }: { db: Db },
  outboxId: number,
  notice: { kind: string; requestId: number; payload: Record<string, unknown> },
): Promise<number[]> {
  const repository = createRoutingRepository({ db });
  const members = await repository.reachableFamilyMembersOfRequest(notice.requestId);
  return repository.notifyMembers(
    members.map((member) => ({
      memberId: member.id,
      chatId: member.telegramId,
      kind: notice.kind,
      dedupeKey: `outbox:${outboxId}:member:${member.id}`,
      requestId: notice.requestId,
      payload: notice.payload,
    })),
  );
}

/** Tells the request's curator — or, when it has none, the district supervisors — what the family did. */
export async function notifyRequestCurator(
  { db, now = new Date() }: { db: Db; now?: Date },
  outboxId: number,
  notice: { kind: string; requestId: number },
): Promise<number[]> {
  const repository = createRoutingRepository({ db });
  const locked = await repository.findRequestWithFamily(notice.requestId);
  if (!locked) return [];
  const recipients =
    locked.request.curatorId !== null
      ? [locked.request.curatorId]
      : await repository.supervisorsFor(locked.family.districtId, now);
  return repository.notifyStaff(
    recipients.map((staffId) => ({
      staffId,
      kind: notice.kind,
      dedupeKey: `outbox:${outboxId}:staff:${staffId}`,
      requestId: notice.requestId,
    })),
  );
}

/**
 * A new request's card reached a staff member's chat (called in the transaction that marks it sent): each
 * family member is told who has it now — the curator by name, or the district supervisors once, however
 * many of them got it. Told only after delivery, so a card that went elsewhere (the first curator had
 * blocked the bot) never names the wrong person.
 */
export async function tellFamilyCardDelivered(
  tx: DbOrTx,
  card: { requestId: number; staffId: number },
): Promise<number[]> {
  const repository = createRoutingRepository({ db: tx });
  const [recipient, members] = await Promise.all([
    repository.findStaff(card.staffId),
    repository.reachableFamilyMembersOfRequest(card.requestId),
  ]);
  if (!recipient) return [];
  const toSupervisors = recipient.role !== 'curator';
  return repository.notifyMembers(
    members.map((member) => ({
      memberId: member.id,
      chatId: member.telegramId,
      kind: notificationKinds.familyRequestDelivered,
      dedupeKey: toSupervisors
        ? `request:${card.requestId}:delivered:supervisors:member:${member.id}`
        : `request:${card.requestId}:delivered:staff:${card.staffId}:member:${member.id}`,
      requestId: card.requestId,
      payload: { staffId: card.staffId },
    })),
  );
}
