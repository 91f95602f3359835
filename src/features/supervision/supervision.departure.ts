import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { openRequestStatuses } from '../../db/schema/enums.js';
import { families, requests, staff } from '../../db/schema/index.js';
import { writeOutbox } from '../../queue/outbox.js';
import { lockPendingOfStaff, withdrawPending } from '../delivery/index.js';
import { cancelBookingsOnDeparture } from '../psychologists/index.js';
import { readdressCopiesOfStaff } from '../relay/index.js';
import { createStaffRepository, leastLoadedCurator } from '../staff/index.js';
import { takeBackFromChat } from './supervision.departure-chat.js';
import { createSupervisionRepository } from './supervision.repository.js';

type Request = typeof requests.$inferSelect;

/**
 * The admin deactivates a staff member (`npm run admin -- staff deactivate`), in one transaction:
 * - what is still on its way to them is locked first (a send in flight is waited for, and ends before any
 *   family or request row is locked here);
 * - their access ends (`active` false, off call);
 * - each of their families goes to the least-loaded active curator of its district with its open requests
 *   that no active colleague has (a `reassigned` event each, a `family_reassigned` outbox event with no
 *   supervisor behind it: the new curator gets the cards, the family is told, the old cards are taken
 *   back); a family with no such curator is left to the supervisors, its curator unset;
 * - their other open requests (a request's curator can differ from its family's) go to the family's curator
 *   if active, else to the least-loaded one of the district (`request_reassigned`), else stay for the
 *   supervisors (routing and the escalation ladder reach them when the curator is inactive);
 * - a psychologist's future bookings are cancelled (cancelBookingsOnDeparture: the families told and
 *   offered new slots, the curators told; nothing to the psychologist);
 * - the families whose messages could reach them as a deputy are locked, so no routing slips a copy past;
 * - every notification still pending for them is withdrawn unsent, the family messages among it
 *   re-addressed to whoever routing names now;
 * - every message in their chat showing a family's data, or offering buttons on an open request, is taken
 *   back (takeBackFromChat): saying who has the request or family now (its curator; the district's, or the
 *   regional, supervisors), or that their access ended (a supervisor's, a closed request's);
 * the new copies and take-backs put in their lanes by a `staff_deactivated` event.
 * A take-back of a message in their chat (`staff_message_retracted`) still goes: it only removes a family's
 * data from there. Undefined when there is no active staff member with this id.
 */
export async function deactivateStaff({ db, now = new Date() }: { db: Db; now?: Date }, staffId: number) {
  return db.transaction(async (tx) => {
    await lockPendingOfStaff(tx, staffId);
    const member = await createStaffRepository({ db: tx }).deactivateStaff(staffId, now);
    if (!member) return undefined;
    const handedOver = await handOverFamilies(tx, staffId, now);
    const requestsHandedOver = await handOverOtherRequests(tx, staffId, now);
    const consultationsCancelled = await cancelBookingsOnDeparture(tx, staffId, now);
    await lockFamiliesDeputedTo(tx, staffId);
    // Those made meanwhile too: every row still pending for them, locked again (the ones held already).
    const pending = await lockPendingOfStaff(tx, staffId, { exceptTakeBacks: true });
    const readdressedIds = await readdressCopiesOfStaff(tx, staffId, now);
    const theirs = {
      requestIds: new Set([
        ...handedOver.flatMap((family) => family.requestIds),
        ...requestsHandedOver.map((request) => request.requestId),
      ]),
      familyIds: new Set(handedOver.map((family) => family.familyId)),
    };
    const takenBackIds = await takeBackFromChat(tx, member, now, theirs);
    await withdrawPending(tx, pending);
    await writeOutbox(tx, { kind: 'staff_deactivated', payload: { staffId, readdressedIds, takenBackIds } });
    return { member, handedOver, requestsHandedOver, consultationsCancelled, withdrawn: pending.length };
  });
}

/** Hands each family of the leaving curator on (see deactivateStaff); the families locked in id order. */
async function handOverFamilies(tx: DbOrTx, staffId: number, now: Date) {
  const theirs = await tx
    .select({ id: families.id, districtId: families.districtId })
    .from(families)
    .where(eq(families.curatorId, staffId))
    .orderBy(asc(families.id))
    .for('update');
  const handedOver: { familyId: number; curatorId: number | null; requestIds: number[] }[] = [];
  for (const family of theirs) {
    const successor = await leastLoadedCurator(tx, family.districtId, { excludeStaffId: staffId, now });
    await tx
      .update(families)
      .set({ curatorId: successor ?? null, updatedAt: now })
      .where(eq(families.id, family.id));
    if (successor === undefined) {
      handedOver.push({ familyId: family.id, curatorId: null, requestIds: [] });
      continue;
    }
    const moving = await requestsNoColleagueHas(tx, family.id);
    for (const request of moving) await moveRequest(tx, request, successor, now, { family: true });
    const requestIds = moving.map((request) => request.id);
    await writeOutbox(tx, {
      kind: 'family_reassigned',
      payload: {
        familyId: family.id,
        fromStaffId: staffId,
        toStaffId: successor,
        byStaffId: null,
        requestIds,
      },
    });
    handedOver.push({ familyId: family.id, curatorId: successor, requestIds });
  }
  return handedOver;
}

/**
 * The family's open requests whose curator is nobody, or no longer active (the one leaving, or one who left
 * before): locked FOR UPDATE in id order, after the family's row. An active colleague's stay theirs.
 */
async function requestsNoColleagueHas(tx: DbOrTx, familyId: number): Promise<Request[]> {
  const rows = await tx
    .select({ request: requests })
    .from(requests)
    .leftJoin(staff, eq(staff.id, requests.curatorId))
    .where(
      and(
        eq(requests.familyId, familyId),
        inArray(requests.status, [...openRequestStatuses]),
        or(isNull(requests.curatorId), eq(staff.active, false)),
      ),
    )
    .orderBy(asc(requests.id))
    .for('update', { of: requests });
  return rows.map((row) => row.request);
}

/** The request to `toStaffId`, with its `reassigned` event: nobody decided it, its curator left. */
async function moveRequest(
  tx: DbOrTx,
  request: Request,
  toStaffId: number,
  now: Date,
  extra: { family?: true } = {},
) {
  const repository = createSupervisionRepository({ db: tx });
  await repository.setRequestCurator(request.id, toStaffId, request.status, now);
  await repository.insertEvent({
    requestId: request.id,
    type: 'reassigned',
    actorKind: 'system',
    data: { fromStaffId: request.curatorId, toStaffId, status: request.status, left: true, ...extra },
    createdAt: now,
  });
}

/**
 * The leaving curator's open requests of families someone else looks after (or nobody): each to the
 * family's curator if active, else to the least-loaded curator of the district, else left for the
 * supervisors. Each family's row is locked before its requests' (reassignRequest's order).
 */
async function handOverOtherRequests(tx: DbOrTx, staffId: number, now: Date) {
  const open = await tx
    .select({ id: requests.id, familyId: requests.familyId })
    .from(requests)
    .where(and(eq(requests.curatorId, staffId), inArray(requests.status, [...openRequestStatuses])))
    .orderBy(asc(requests.familyId), asc(requests.id));
  const moved: { requestId: number; curatorId: number }[] = [];
  for (const familyId of [...new Set(open.map((request) => request.familyId))]) {
    const [family] = await tx
      .select({ districtId: families.districtId, curatorId: families.curatorId, active: staff.active })
      .from(families)
      .leftJoin(staff, eq(staff.id, families.curatorId))
      .where(eq(families.id, familyId))
      .for('no key update', { of: families });
    if (!family) continue;
    const target =
      family.curatorId !== null && family.curatorId !== staffId && family.active
        ? family.curatorId
        : await leastLoadedCurator(tx, family.districtId, { excludeStaffId: staffId, now });
    if (target === undefined) continue;
    const ids = open.filter((request) => request.familyId === familyId).map((request) => request.id);
    const locked = await tx
      .select()
      .from(requests)
      .where(
        and(
          inArray(requests.id, ids),
          eq(requests.curatorId, staffId),
          inArray(requests.status, [...openRequestStatuses]),
        ),
      )
      .orderBy(asc(requests.id))
      .for('update');
    for (const request of locked) {
      await moveRequest(tx, request, target, now);
      await writeOutbox(tx, {
        kind: 'request_reassigned',
        payload: { requestId: request.id, fromStaffId: staffId, toStaffId: target, byStaffId: null },
      });
      moved.push({ requestId: request.id, curatorId: target });
    }
  }
  return moved;
}

/**
 * The families whose messages may reach the leaving person as a deputy (their curator's, or a request's
 * curator's, `deputy_id`), locked FOR NO KEY UPDATE: a routing of such a message (which reads the deputy
 * under a FOR SHARE lock of the family row) either committed its copy before this — re-addressed below —
 * or waits and then sees them inactive. Locked in id order; no request row of these is locked here.
 */
async function lockFamiliesDeputedTo(tx: DbOrTx, staffId: number) {
  const deputed = tx.select({ id: staff.id }).from(staff).where(eq(staff.deputyId, staffId));
  const requestOfDeputed = tx
    .select({ familyId: requests.familyId })
    .from(requests)
    .where(and(inArray(requests.curatorId, deputed), inArray(requests.status, [...openRequestStatuses])));
  await tx
    .select({ id: families.id })
    .from(families)
    .where(or(inArray(families.curatorId, deputed), inArray(families.id, requestOfDeputed)))
    .orderBy(asc(families.id))
    .for('no key update');
}
