import type { DbOrTx } from '../../db/client.js';
import type { SupervisorsLevel } from '../delivery/index.js';
import { supervisorsToTell } from '../staff/index.js';
import { createRoutingRepository, familyRequestKey } from './routing.repository.js';
import { effectiveOf } from './routing.usecases.js';

/**
 * Who among staff to tell, for other features (relay, deadlines, settings): each takes a database or the
 * caller's transaction, so what it writes commits with the caller's work.
 */

type NoticeToStaff = Parameters<ReturnType<typeof createRoutingRepository>['notifyStaff']>[0][number];

/** Supervisors of the district who can be told now; when it has none, the regional ones. */
export function supervisorsFor(
  db: DbOrTx,
  districtId: number,
  now: Date,
  options: { excludeStaffIds?: number[] } = {},
): Promise<number[]> {
  return createRoutingRepository({ db }).supervisorsFor(districtId, now, options);
}

/**
 * Who supervisorsFor names for the district now: its own supervisors (`district`), the regional ones
 * (`regional`), or nobody (undefined). What a take-back tells a curator who no longer has the request.
 */
export async function supervisorsLevelFor(
  db: DbOrTx,
  districtId: number,
  now: Date,
): Promise<SupervisorsLevel | undefined> {
  const found = await supervisorsToTell(db, districtId, now);
  return found.ids.length > 0 ? found.level : undefined;
}

/** supervisorsLevelFor the family's district; undefined when the family is gone. */
export async function supervisorsLevelOfFamily(db: DbOrTx, familyId: number, now: Date) {
  const family = await createRoutingRepository({ db }).findFamily(familyId);
  return family ? supervisorsLevelFor(db, family.districtId, now) : undefined;
}

/** The supervisors (as supervisorsFor) of the family's district; none when the family is gone. */
export async function supervisorsOfFamily(
  db: DbOrTx,
  familyId: number,
  now: Date,
  options: { excludeStaffIds?: number[] } = {},
): Promise<number[]> {
  const routing = createRoutingRepository({ db });
  const family = await routing.findFamily(familyId);
  return family ? routing.supervisorsFor(family.districtId, now, options) : [];
}

/** The region's on-call curator who can be told now, if any. */
export function onCallCurator(db: DbOrTx, now: Date): Promise<number | undefined> {
  return createRoutingRepository({ db }).onCallCurator(now);
}

/** The Telegram chats of these staff members. */
export function staffChats(db: DbOrTx, staffIds: number[]) {
  return createRoutingRepository({ db }).staffChats(staffIds);
}

/** Creates notifications to staff (ids of the new ones); one with an existing dedupe key is left as it is. */
export function notifyStaff(db: DbOrTx, items: NoticeToStaff[]): Promise<number[]> {
  return createRoutingRepository({ db }).notifyStaff(items);
}

/** The family members of a request who have a Telegram chat and are not erased (id, telegramId). */
export function familyMembersOfRequest(db: DbOrTx, requestId: number) {
  return createRoutingRepository({ db }).reachableFamilyMembersOfRequest(requestId);
}

/** The request's notifications still waiting to be delivered. */
export function pendingNotificationsOfRequest(db: DbOrTx, requestId: number): Promise<number[]> {
  return createRoutingRepository({ db }).pendingNotificationsOfRequest(requestId);
}

/**
 * Who reads a family's message: the request's curator (the family's curator for a general question), their
 * deputy while they are away (`deputyFor` names the curator), or, when there is none who can get it, the
 * district supervisors.
 */
export async function staffForFamilyMessage(
  db: DbOrTx,
  message: { familyId: number; requestId: number | null },
  now: Date,
): Promise<StaffRecipient[]> {
  // The family, the curator and their deputy in one read; the curator's (or deputy's) row gives the chat.
  const found = await createRoutingRepository({ db }).familyMessageCurator(
    message.familyId,
    message.requestId,
  );
  return found ? staffOfCurator(db, found, now) : [];
}

/**
 * staffForFamilyMessage for many messages (the outbox relay's batch): the curators of all of them in one
 * read, keyed by `familyRequestKey(familyId, requestId)`; the district supervisors read per message that
 * needs them.
 */
export async function staffForFamilyMessages(
  db: DbOrTx,
  wanted: Array<{ familyId: number; requestId: number | null }>,
  now: Date,
): Promise<Map<string, StaffRecipient[]>> {
  const curators = await createRoutingRepository({ db }).familyMessageCurators(wanted);
  const recipients = new Map<string, StaffRecipient[]>();
  for (const item of wanted) {
    const key = familyRequestKey(item.familyId, item.requestId);
    const found = curators.get(key);
    if (!recipients.has(key)) recipients.set(key, found ? await staffOfCurator(db, found, now) : []);
  }
  return recipients;
}

type StaffRecipient = {
  chatId: number;
  staffId: number;
  /** A deputy, named because this curator is away. */
  deputyFor?: number;
  /** A district (or regional) supervisor, named because no curator can get it. */
  supervisor?: true;
};
type CuratorFound = NonNullable<
  Awaited<ReturnType<ReturnType<typeof createRoutingRepository>['familyMessageCurator']>>
>;

async function staffOfCurator(db: DbOrTx, found: CuratorFound, now: Date): Promise<StaffRecipient[]> {
  const routing = createRoutingRepository({ db });
  const curatorId = found.curator?.id ?? null;
  const curator = effectiveOf(found.curator, found.deputy, now);
  const present = curator?.id ?? null;
  const reachable = curator?.active && !curator.botBlocked;
  const chats = reachable
    ? [{ id: curator.id, telegramId: curator.telegramId }]
    : await routing.staffChats(await routing.supervisorsFor(found.districtId, now));
  return chats.map((chat) => ({
    chatId: chat.telegramId,
    staffId: chat.id,
    ...(curatorId !== null && chat.id === present && present !== curatorId ? { deputyFor: curatorId } : {}),
    ...(reachable ? {} : { supervisor: true as const }),
  }));
}

export { familyRequestKey } from './routing.repository.js';
