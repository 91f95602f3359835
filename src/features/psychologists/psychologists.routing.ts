import type { Db } from '../../db/client.js';
import { insertNotifications } from '../delivery/index.js';
import { familyMembersOfRequest, notifyStaff, supervisorsFor } from '../routing/index.js';
import { type ConsultationChange, offerFor } from './psychologists.booking.js';
import { psychologistKinds } from './psychologists.kinds.js';
import { createPsychologistsRepository } from './psychologists.repository.js';

interface RoutingDeps {
  db: Db;
  timeZone: string;
  now?: Date;
}

/** Notifications to every family member of the request with a chat, each `<dedupeKey>:member:<id>`. */
export async function notifyFamilyOf(
  db: Db,
  notice: { kind: string; dedupeKey: string; requestId: number; payload?: Record<string, unknown> },
) {
  const members = await familyMembersOfRequest(db, notice.requestId);
  return insertNotifications(
    db,
    members.map((member) => ({
      dedupeKey: `${notice.dedupeKey}:member:${member.id}`,
      kind: notice.kind,
      requestId: notice.requestId,
      recipientMemberId: member.id,
      chatId: member.telegramId,
      payload: notice.payload ?? {},
    })),
  );
}

/**
 * A psychologist request was confirmed (by the family, or filed by a curator): the family is offered the
 * earliest free slots — or, with none within 14 days, put on the waiting list, told when to expect a slot,
 * and the district supervisors alerted. The offer's slots are read again when it is sent.
 */
export async function offerConsultation(deps: RoutingDeps, outboxId: number, requestId: number) {
  const repository = createPsychologistsRepository({ db: deps.db });
  const request = await repository.requestForBooking(requestId);
  if (request?.category !== 'psychologist') return [];
  const offer = await offerFor(deps, requestId);
  if (offer.kind === 'closed') return [];
  const dedupeKey = `outbox:${outboxId}:psy`;
  if (offer.kind === 'slots') {
    return notifyFamilyOf(deps.db, { kind: psychologistKinds.offer, dedupeKey, requestId });
  }
  const firstFree = offer.firstFree?.toISOString() ?? null;
  // The family reads that a supervisor will be told only when the alert below has someone to go to.
  const supervisors = await supervisorsFor(deps.db, request.districtId, deps.now ?? new Date());
  const toFamily = await notifyFamilyOf(deps.db, {
    kind: psychologistKinds.waitlist,
    dedupeKey,
    requestId,
    payload: { firstFree, supervisorsTold: supervisors.length > 0 },
  });
  return [...toFamily, ...(await waitlistAndAlert(deps, dedupeKey, request, firstFree, supervisors))];
}

/**
 * No free slot within 14 days: the request joins the waiting list (offered a slot when one frees up) and the
 * district supervisors are alerted. The family's own words come with the caller's notice.
 */
async function waitlistAndAlert(
  deps: RoutingDeps,
  dedupeKey: string,
  request: { id: number; familyId: number; districtId: number },
  firstFree: string | null,
  toTell?: number[],
) {
  await createPsychologistsRepository({ db: deps.db }).joinWaitlist({
    requestId: request.id,
    familyId: request.familyId,
    districtId: request.districtId,
  });
  const supervisors = toTell ?? (await supervisorsFor(deps.db, request.districtId, deps.now ?? new Date()));
  return notifyStaff(
    deps.db,
    supervisors.map((staffId) => ({
      staffId,
      kind: psychologistKinds.waitlistAlert,
      dedupeKey: `${dedupeKey}:staff:${staffId}`,
      requestId: request.id,
      payload: { firstFree },
    })),
  );
}

/** A psychologist's schedule changed: each family on the waiting list they serve is offered what is free now. */
export async function offerWaitlisted(deps: RoutingDeps, outboxId: number, staffId: number) {
  const waiting = await createPsychologistsRepository({ db: deps.db }).waitlistedServedBy(staffId);
  const notificationIds: number[] = [];
  for (const { requestId } of waiting) {
    if ((await offerFor(deps, requestId)).kind !== 'slots') continue;
    const dedupeKey = `outbox:${outboxId}:psy:${requestId}`;
    notificationIds.push(
      ...(await notifyFamilyOf(deps.db, { kind: psychologistKinds.offer, dedupeKey, requestId })),
    );
  }
  return notificationIds;
}

/**
 * A booking or a cancellation: the other side is told (a family whose psychologist cancelled: new slots);
 * a slot freed by a cancellation is offered at once to the waiting list that psychologist serves.
 */
export async function routeConsultationChange(
  deps: RoutingDeps,
  outboxId: number,
  change: { consultationId: number; change: ConsultationChange },
) {
  const consultation = await createPsychologistsRepository({ db: deps.db }).consultationById(
    change.consultationId,
  );
  if (!consultation) return [];
  const told = await tellSides(deps, outboxId, consultation, change.change);
  if (change.change !== 'cancelled_by_family' && change.change !== 'cancelled_by_psychologist') return told;
  return [...told, ...(await offerWaitlisted(deps, outboxId, consultation.psychologistId))];
}

/**
 * A family whose psychologist cancelled (or left) and who finds no free slot in 14 days is told it is on the
 * waiting list (the notice's words, psy-waitlist): so it is put there, and the supervisors alerted.
 */
async function waitlistIfNoSlot(deps: RoutingDeps, dedupeKey: string, requestId: number) {
  const request = await createPsychologistsRepository({ db: deps.db }).requestForBooking(requestId);
  const offer = await offerFor(deps, requestId);
  if (!request || offer.kind !== 'none') return [];
  return waitlistAndAlert(deps, dedupeKey, request, offer.firstFree?.toISOString() ?? null);
}

/** The other side of a booking change, and the request's curator. */
async function tellSides(
  deps: RoutingDeps,
  outboxId: number,
  consultation: { id: number; requestId: number; psychologistId: number },
  change: ConsultationChange,
) {
  const dedupeKey = `outbox:${outboxId}:psy`;
  const payload = { consultationId: consultation.id };
  const toCurator = await tellCurator(deps.db, consultation.requestId, change, { dedupeKey, payload });
  if (change === 'held' || change === 'no_show') return toCurator;
  if (change === 'cancelled_by_psychologist') {
    const toFamily = await notifyFamilyOf(deps.db, {
      kind: psychologistKinds.psychologistCancelled,
      dedupeKey,
      requestId: consultation.requestId,
      payload,
    });
    return [...toCurator, ...toFamily, ...(await waitlistIfNoSlot(deps, dedupeKey, consultation.requestId))];
  }
  const toPsychologist = await notifyStaff(deps.db, [
    {
      staffId: consultation.psychologistId,
      kind: change === 'booked' ? psychologistKinds.booked : psychologistKinds.familyCancelled,
      dedupeKey: `${dedupeKey}:staff`,
      requestId: consultation.requestId,
      payload,
    },
  ]);
  return [...toCurator, ...toPsychologist];
}

/**
 * The request's curator learns that a consultation was booked, held or missed (or cancelled by the
 * psychologist) — the fact, never what was said.
 */
async function tellCurator(
  db: Db,
  requestId: number,
  change: ConsultationChange,
  notice: { dedupeKey: string; payload: { consultationId: number } },
) {
  if (change === 'cancelled_by_family') return [];
  const request = await createPsychologistsRepository({ db }).requestForBooking(requestId);
  if (!request || request.curatorId === null) return [];
  return notifyStaff(db, [
    {
      staffId: request.curatorId,
      kind: psychologistKinds.curatorNotice,
      dedupeKey: `${notice.dedupeKey}:curator`,
      requestId,
      payload: { ...notice.payload, change },
    },
  ]);
}
