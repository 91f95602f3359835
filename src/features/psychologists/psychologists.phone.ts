import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { authoriseRequestAction, openStatuses } from '../access/index.js';
import { familyMembersOfRequest } from '../routing/index.js';
import { type BookingDeps, bookSlot, offerFor } from './psychologists.booking.js';
import { phoneButtons } from './psychologists.keyboards.js';
import { createPsychologistsRepository } from './psychologists.repository.js';
import { bookingDetails } from './psychologists.staff.js';

/** An open psychologist request, not booked, of a family with no Telegram chat: the curator books for it. */
async function phoneBookable(db: Db, requestId: number) {
  const repository = createPsychologistsRepository({ db });
  const request = await repository.requestForBooking(requestId);
  if (request?.category !== 'psychologist' || request.erasedAt) return false;
  if (!openStatuses.includes(request.status)) return false;
  if (await repository.bookedOfRequest(requestId)) return false;
  return (await familyMembersOfRequest(db, requestId)).length === 0;
}

/** «Записать к психологу» under the curator's card (registered at composition: curator cannot import us). */
export async function phoneBookingButton(deps: { db: Db }, t: Translate, requestId: number) {
  if (!(await phoneBookable(deps.db, requestId))) return undefined;
  return { text: t('psy-phone-button'), data: phoneButtons.encode('open', { requestId }) };
}

/** The free slots a curator may book for a phone family: authorised as a reply to the family. */
export async function phoneSlots(deps: BookingDeps, input: { telegramId: number; requestId: number }) {
  const checked = await authoriseRequestAction(deps.db, { ...input, action: 'reply' });
  if (!checked.ok) return { ok: false, reason: 'refused' } as const;
  if (!(await phoneBookable(deps.db, input.requestId))) return { ok: false, reason: 'not_phone' } as const;
  const offer = await offerFor(deps, input.requestId);
  if (offer.kind !== 'slots') return { ok: false, reason: 'no_slots' } as const;
  return { ok: true, slots: offer.slots } as const;
}

/**
 * The curator books a slot for the phone family: the same atomic booking (by phone where the psychologist
 * offers it), the psychologist told by the outbox; the curator is given the time to pass on.
 */
export async function bookForPhoneFamily(
  deps: BookingDeps,
  input: { telegramId: number; requestId: number; staffId: number; startsAt: Date },
) {
  const checked = await authoriseRequestAction(deps.db, { ...input, action: 'reply' });
  if (!checked.ok) return { ok: false, reason: 'refused' } as const;
  if (!(await phoneBookable(deps.db, input.requestId))) return { ok: false, reason: 'not_phone' } as const;
  const press = { ...input, familyId: checked.request.familyId };
  let result = await bookSlot(deps, { ...press, format: 'phone' });
  if (!result.ok && result.reason === 'choose_format') {
    result = await bookSlot(deps, { ...press, format: result.formats[0]! });
  }
  if (!result.ok) return { ok: false, reason: result.reason === 'taken' ? 'taken' : 'not_phone' } as const;
  const booking = await bookingDetails(deps.db, result.consultationId);
  return { ok: true, booking: booking! } as const;
}
