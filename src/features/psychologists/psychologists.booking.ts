import { randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import type { ConsultationFormat } from '../../db/schema/enums.js';
import { writeOutbox } from '../../queue/outbox.js';
import { regionDate } from '../../time.js';
import { openStatuses } from '../access/index.js';
import { createPsychologistsRepository } from './psychologists.repository.js';
import { BOOKING_DAYS, freeSlots, isSlotStart, MIN_LEAD_MS, type Slot } from './psychologists.slots.js';

export interface BookingDeps {
  db: Db;
  timeZone: string;
  now?: Date;
}

/** A family may move or cancel a booking itself until this long before it. */
export const FAMILY_CHANGE_BEFORE_MS = 2 * 3_600_000;
/** How far the waiting list looks for the first slot to name to the family. */
const WAITLIST_HORIZON_DAYS = 60;

/** A psychologist request the family can still book for: open, not erased, of this family when given. */
async function bookableRequest(db: DbOrTx, requestId: number, familyId?: number) {
  const request = await createPsychologistsRepository({ db }).requestForBooking(requestId);
  if (!request || request.erasedAt || request.category !== 'psychologist') return undefined;
  if (familyId !== undefined && request.familyId !== familyId) return undefined;
  return openStatuses.includes(request.status) ? request : undefined;
}

type Bookable = NonNullable<Awaited<ReturnType<typeof bookableRequest>>>;

/** Free slots of the psychologists serving the request's district, over `days` from now. */
async function slotsFor(deps: BookingDeps, request: Bookable, days = BOOKING_DAYS) {
  const repository = createPsychologistsRepository({ db: deps.db });
  const now = deps.now ?? new Date();
  const serving = await repository.schedulesServing(request.districtId);
  const booked = await repository.bookedKeys(
    serving.map((row) => row.schedule.staffId),
    now,
  );
  const slots = freeSlots({
    schedules: serving.map((row) => row.schedule),
    booked,
    now,
    timeZone: deps.timeZone,
    days,
  });
  return { slots, serving };
}

/** The first slot of each distinct start time, at most `count` of them. */
function distinctTimes(slots: Slot[], count: number): Slot[] {
  const seen = new Set<number>();
  return slots.filter((slot) => {
    if (seen.has(slot.startsAt.getTime()) || seen.size >= count) return false;
    seen.add(slot.startsAt.getTime());
    return true;
  });
}

export type Offer =
  | { kind: 'slots'; slots: Slot[]; urgent: boolean; todayOnly: boolean }
  | { kind: 'none'; firstFree: Date | undefined }
  | { kind: 'closed' };

/**
 * What the family is offered for a psychologist request: the earliest free slots (an urgent request: the
 * earliest of today when today has any), or, with none in 14 days, the first one further out, if any.
 */
export async function offerFor(deps: BookingDeps, requestId: number, familyId?: number): Promise<Offer> {
  const request = await bookableRequest(deps.db, requestId, familyId);
  if (!request) return { kind: 'closed' };
  const { slots } = await slotsFor(deps, request);
  if (slots.length === 0) {
    const further = await slotsFor(deps, request, WAITLIST_HORIZON_DAYS);
    return { kind: 'none', firstFree: further.slots[0]?.startsAt };
  }
  const urgent = request.priority === 'urgent';
  const today = regionDate(deps.now ?? new Date(), deps.timeZone);
  const ofToday = slots.filter((slot) => regionDate(slot.startsAt, deps.timeZone) === today);
  const todayOnly = urgent && ofToday.length > 0;
  return { kind: 'slots', slots: distinctTimes(todayOnly ? ofToday : slots, 4), urgent, todayOnly };
}

/** The region days of the next 14 that have a free slot (the calendar shows only those). */
export async function calendarFor(deps: BookingDeps, requestId: number, familyId: number) {
  const request = await bookableRequest(deps.db, requestId, familyId);
  if (!request) return undefined;
  const { slots } = await slotsFor(deps, request);
  return [...new Set(slots.map((slot) => regionDate(slot.startsAt, deps.timeZone)))];
}

/** The free times of one day of the calendar. */
export async function daySlotsFor(deps: BookingDeps, requestId: number, familyId: number, isoDate: string) {
  const request = await bookableRequest(deps.db, requestId, familyId);
  if (!request) return undefined;
  const { slots } = await slotsFor(deps, request);
  return distinctTimes(
    slots.filter((slot) => regionDate(slot.startsAt, deps.timeZone) === isoDate),
    24,
  );
}

/** A family's press on a slot (and, once asked, the format). */
export interface SlotPress {
  familyId: number;
  requestId: number;
  staffId: number;
  startsAt: Date;
  format?: ConsultationFormat;
}

export type BookingResult =
  | { ok: true; consultationId: number; replacedId?: number }
  | { ok: false; reason: 'closed' | 'not_slot' | 'taken' }
  | { ok: false; reason: 'choose_format'; formats: ConsultationFormat[] };

class SlotTaken extends Error {}

/** The format of a booking: the one asked, the only one offered, or the one of the booking it moves. */
function formatOf(offered: ConsultationFormat[], asked?: ConsultationFormat, moving?: ConsultationFormat) {
  if (asked) return offered.includes(asked) ? asked : undefined;
  if (offered.length === 1) return offered[0];
  return moving && offered.includes(moving) ? moving : undefined;
}

/**
 * Books a slot for a family's psychologist request, atomically: the request row is locked before it is read
 * (one press of the family at a time; a closing under way is waited for, then refused), then the psychologist's staff row shared (their deactivation is never passed by), the
 * slot re-checked against the schedule now, the booking it moves (if any)
 * cancelled, and the new row inserted — the partial unique index on (psychologist, start) is what keeps two
 * families out of one slot; a lost race rolls everything back and reads `taken`.
 */
export async function bookSlot(deps: BookingDeps, input: SlotPress): Promise<BookingResult> {
  const now = deps.now ?? new Date();
  try {
    return await deps.db.transaction(async (tx) => {
      const repository = createPsychologistsRepository({ db: tx });
      // Locked before it is read: a closing under way (an erasure, a cancellation) ends first and is seen.
      await repository.lockRequest(input.requestId);
      const request = await bookableRequest(tx, input.requestId, input.familyId);
      if (!request) return { ok: false, reason: 'closed' } as const;
      // A deactivation of this psychologist under way ends first: a booking with someone who left is refused,
      // and one made first is seen (and cancelled) by the deactivation.
      await repository.lockPsychologist(input.staffId);
      const serving = await repository.schedulesServing(request.districtId);
      const schedule = serving.find((row) => row.schedule.staffId === input.staffId)?.schedule;
      const slot = schedule && isSlotStart(schedule, input.startsAt, deps.timeZone);
      if (!schedule || !slot || slot.startsAt.getTime() < now.getTime() + MIN_LEAD_MS) {
        return { ok: false, reason: 'not_slot' } as const;
      }
      const moving = await repository.bookedOfRequest(request.id);
      const format = formatOf(schedule.formats, input.format, moving?.format);
      if (!format) return { ok: false, reason: 'choose_format', formats: schedule.formats } as const;
      if (moving) {
        await repository.closeConsultation(moving.id, {
          status: 'cancelled',
          reason: 'rescheduled',
          by: 'family',
          now,
        });
      }
      const booked = await repository.insertConsultation({
        requestId: request.id,
        familyId: request.familyId,
        psychologistId: input.staffId,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        format,
        joinToken: randomBytes(9).toString('base64url'),
        createdAt: now,
      });
      if (!booked) throw new SlotTaken();
      await repository.leaveWaitlist(request.id, now);
      if (moving) await announce(tx, moving.id, 'cancelled_by_family');
      await announce(tx, booked.id, 'booked');
      return { ok: true, consultationId: booked.id, ...(moving ? { replacedId: moving.id } : {}) } as const;
    });
  } catch (error) {
    if (error instanceof SlotTaken) return { ok: false, reason: 'taken' };
    throw error;
  }
}

export type ConsultationChange =
  | 'booked'
  | 'cancelled_by_family'
  | 'cancelled_by_psychologist'
  | 'held'
  | 'no_show';

/** Tells the other side, and sets or clears the reminders, once the change commits (the outbox). */
export function announce(tx: DbOrTx, consultationId: number, change: ConsultationChange) {
  return writeOutbox(tx, { kind: 'consultation_changed', payload: { consultationId, change } });
}

export type FamilyCancel = { ok: true; requestId: number } | { ok: false; reason: 'not_found' | 'too_late' };

/** The family cancels its booking, up to 2 h before it. */
export async function cancelByFamily(
  deps: BookingDeps,
  input: { familyId: number; consultationId: number },
): Promise<FamilyCancel> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createPsychologistsRepository({ db: tx });
    const consultation = await repository.lockConsultation(input.consultationId);
    if (consultation?.familyId !== input.familyId || consultation.status !== 'booked') {
      return { ok: false, reason: 'not_found' } as const;
    }
    if (consultation.startsAt.getTime() - now.getTime() < FAMILY_CHANGE_BEFORE_MS) {
      return { ok: false, reason: 'too_late' } as const;
    }
    await repository.closeConsultation(consultation.id, {
      status: 'cancelled',
      reason: 'family',
      by: 'family',
      now,
    });
    await announce(tx, consultation.id, 'cancelled_by_family');
    return { ok: true, requestId: consultation.requestId } as const;
  });
}

/** Whether the family may still move this booking itself (shown before the calendar opens). */
export async function familyMayChange(
  deps: BookingDeps,
  input: { familyId: number; consultationId: number },
) {
  const consultation = await createPsychologistsRepository({ db: deps.db }).consultationById(
    input.consultationId,
  );
  if (consultation?.familyId !== input.familyId || consultation.status !== 'booked') return undefined;
  const now = deps.now ?? new Date();
  return {
    requestId: consultation.requestId,
    inTime: consultation.startsAt.getTime() - now.getTime() >= FAMILY_CHANGE_BEFORE_MS,
  };
}
