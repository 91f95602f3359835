import type { Translate } from '../../i18n.js';
import { type BookingDeps, bookSlot, type SlotPress } from './psychologists.booking.js';
import { bookingDetails } from './psychologists.staff.js';
import { icsOf, joinLine, longMoment } from './psychologists.views.js';

/** What the family reads once booked: the words, and the calendar file. */
export interface Confirmation {
  consultationId: number;
  text: string;
  ics: string;
}

/** The family's confirmation: date, time, psychologist, format, how to join; and its .ics. */
export async function confirmationOf(
  deps: BookingDeps & { linkTemplate: string },
  t: Translate,
  consultationId: number,
): Promise<Confirmation | undefined> {
  const booking = await bookingDetails(deps.db, consultationId);
  if (!booking) return undefined;
  const { consultation, psychologist } = booking;
  const join = joinLine(t, { ...consultation, address: booking.address, linkTemplate: deps.linkTemplate });
  const who = psychologist.institution
    ? `${psychologist.fullName}, ${psychologist.institution}`
    : psychologist.fullName;
  const text = t('psy-booked-family', {
    moment: longMoment(t, consultation.startsAt, deps.timeZone),
    psychologist: who,
    format: t('psy-format', { format: consultation.format }),
    join,
  });
  const ics = icsOf({
    uid: consultation.joinToken,
    startsAt: consultation.startsAt,
    endsAt: consultation.endsAt,
    summary: t('psy-ics-summary'),
    description: `${who}\n${join}`,
    location:
      consultation.format === 'in_person'
        ? (booking.address ?? '')
        : consultation.format === 'video'
          ? deps.linkTemplate.replaceAll('{token}', consultation.joinToken)
          : t('psy-format', { format: consultation.format }),
    now: deps.now ?? new Date(),
  });
  return { consultationId, text, ics };
}

/** A press on a slot (or on a format after it): the booking, and the confirmation when it is made. */
export async function pressSlot(
  deps: BookingDeps & { linkTemplate: string },
  t: Translate,
  input: SlotPress,
) {
  const result = await bookSlot(deps, input);
  if (!result.ok) return result;
  const confirmation = await confirmationOf(deps, t, result.consultationId);
  return { ...result, confirmation: confirmation! };
}
