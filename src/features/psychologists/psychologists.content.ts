import type { InlineKeyboardMarkup } from 'grammy/types';
import { z } from 'zod';
import type { Translate } from '../../i18n.js';
import { regionTimePhrase } from '../../time.js';
import type { FeatureNotifications, Notification, RenderDeps } from '../delivery/index.js';
import { offerFor } from './psychologists.booking.js';
import { agendaKeyboard, bookedKeyboard, slotsKeyboard } from './psychologists.keyboards.js';
import { psychologistKinds } from './psychologists.kinds.js';
import { createPsychologistsRepository } from './psychologists.repository.js';
import { bookingDetails } from './psychologists.staff.js';
import { firstNameOf, joinLine, longMoment } from './psychologists.views.js';

type Content = { text: string; replyMarkup?: InlineKeyboardMarkup } | undefined;
type ContentDeps = RenderDeps & { linkTemplate: string };

const consultationPayload = z.object({ consultationId: z.number().int().positive() });
const reminderPayload = consultationPayload.extend({ lead: z.enum(['24h', '1h']) });
const waitlistPayload = z.object({
  firstFree: z.string().nullable(),
  supervisorsTold: z.boolean().optional(),
});

async function familyT(deps: RenderDeps, notification: Notification): Promise<Translate> {
  const language =
    notification.recipientMemberId === null
      ? 'ru'
      : await createPsychologistsRepository({ db: deps.db }).memberLanguage(notification.recipientMemberId);
  return deps.i18n.forLanguage(language);
}

/** The offer as it stands when sent: fresh free slots (none left: the waiting-list words). */
export async function offerContent(
  deps: { db: RenderDeps['db']; timeZone: string },
  t: Translate,
  requestId: number,
  lead = '',
): Promise<Content> {
  const offer = await offerFor(deps, requestId);
  if (offer.kind === 'closed') return lead ? { text: lead.trim() } : undefined;
  if (offer.kind === 'none') {
    const when = offer.firstFree ? longMoment(t, offer.firstFree, deps.timeZone) : 'none';
    // No supervisor is alerted with this notice (a slot just taken, the calendar, a move, a cancellation).
    return { text: `${lead}${t('psy-waitlist', { when, supervisors: 'unknown' })}` };
  }
  const text = t('psy-offer', {
    urgent: offer.urgent ? 'yes' : 'no',
    today: offer.todayOnly ? 'yes' : 'no',
    regionTime: regionTimePhrase(t, deps.timeZone),
  });
  const keyboard = slotsKeyboard(t, {
    requestId,
    slots: offer.slots,
    timeZone: deps.timeZone,
    withDay: !offer.todayOnly,
  });
  return { text: `${lead}${text}`, replyMarkup: keyboard };
}

async function renderFamily(deps: ContentDeps, notification: Notification): Promise<Content> {
  const t = await familyT(deps, notification);
  if (notification.requestId === null) return undefined;
  switch (notification.kind) {
    case psychologistKinds.offer:
      return offerContent(deps, t, notification.requestId);
    case psychologistKinds.waitlist: {
      const { firstFree, supervisorsTold } = waitlistPayload.parse(notification.payload);
      const when = firstFree ? longMoment(t, new Date(firstFree), deps.timeZone) : 'none';
      return { text: t('psy-waitlist', { when, supervisors: supervisorsTold ? 'yes' : 'no' }) };
    }
    case psychologistKinds.psychologistCancelled: {
      const booking = await bookingDetails(
        deps.db,
        consultationPayload.parse(notification.payload).consultationId,
      );
      if (!booking) return undefined;
      const lead = t('psy-cancelled-by-psychologist', {
        moment: longMoment(t, booking.consultation.startsAt, deps.timeZone),
        reason: booking.consultation.cancelReason ?? 'schedule',
      });
      return offerContent(deps, t, notification.requestId, `${lead}\n\n`);
    }
    default:
      return renderFamilyReminder(deps, t, notification);
  }
}

async function renderFamilyReminder(
  deps: ContentDeps,
  t: Translate,
  notification: Notification,
): Promise<Content> {
  const { consultationId, lead } = reminderPayload.parse(notification.payload);
  const booking = await bookingDetails(deps.db, consultationId);
  if (booking?.consultation.status !== 'booked') return undefined;
  const { consultation } = booking;
  const text = t('psy-reminder-family', {
    lead: lead === '24h' ? 'day' : 'hour',
    moment: longMoment(t, consultation.startsAt, deps.timeZone),
    psychologist: booking.psychologist.fullName,
    join: joinLine(t, { ...consultation, address: booking.address, linkTemplate: deps.linkTemplate }),
  });
  return lead === '24h' ? { text, replyMarkup: bookedKeyboard(t, consultation.id) } : { text };
}

/** The psychologist's notices: a booking, a family's cancellation or move, a reminder. Staff read Russian. */
async function renderStaff(deps: ContentDeps, notification: Notification): Promise<Content> {
  const t = deps.i18n.forLanguage('ru');
  const { consultationId } = consultationPayload.parse(notification.payload);
  const booking = await bookingDetails(deps.db, consultationId);
  if (!booking) return undefined;
  const { consultation } = booking;
  const repository = createPsychologistsRepository({ db: deps.db });
  const args = {
    moment: longMoment(t, consultation.startsAt, deps.timeZone),
    name: firstNameOf(await repository.familyMemberName(consultation.familyId)),
    format: t('psy-format', { format: consultation.format }),
    consultationId: consultation.id,
  };
  switch (notification.kind) {
    case psychologistKinds.booked:
      return {
        text: t('psy-staff-booked', args),
        replyMarkup: agendaKeyboard(t, consultation.id, consultation.status),
      };
    case psychologistKinds.familyCancelled:
      return {
        text: t('psy-staff-family-cancelled', {
          ...args,
          moved: consultation.cancelReason === 'rescheduled' ? 'yes' : 'no',
        }),
      };
    default: {
      if (consultation.status !== 'booked') return undefined;
      const { lead } = reminderPayload.parse(notification.payload);
      return {
        text: t('psy-reminder-staff', { ...args, lead: lead === '24h' ? 'day' : 'hour' }),
        replyMarkup: agendaKeyboard(t, consultation.id, 'booked'),
      };
    }
  }
}

async function renderWaitlistAlert(deps: RenderDeps, notification: Notification): Promise<Content> {
  if (notification.requestId === null) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const request = await createPsychologistsRepository({ db: deps.db }).requestForBooking(
    notification.requestId,
  );
  if (!request) return undefined;
  const { firstFree } = waitlistPayload.parse(notification.payload);
  const when = firstFree ? longMoment(t, new Date(firstFree), deps.timeZone) : 'none';
  return { text: t('psy-waitlist-alert', { number: request.number, when }) };
}

const curatorPayload = consultationPayload.extend({ change: z.string() });

/** The curator's notice: the request, and what became of its consultation — never what was said. */
async function renderCuratorNotice(deps: RenderDeps, notification: Notification): Promise<Content> {
  if (notification.requestId === null) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const { consultationId, change } = curatorPayload.parse(notification.payload);
  const booking = await bookingDetails(deps.db, consultationId);
  const request = await createPsychologistsRepository({ db: deps.db }).requestForBooking(
    notification.requestId,
  );
  if (!booking || !request) return undefined;
  return {
    text: t('psy-curator-notice', {
      number: request.number,
      change,
      moment: longMoment(t, booking.consultation.startsAt, deps.timeZone),
      psychologist: booking.psychologist.fullName,
    }),
  };
}

const familyKinds: readonly string[] = [
  psychologistKinds.offer,
  psychologistKinds.waitlist,
  psychologistKinds.psychologistCancelled,
  psychologistKinds.familyReminder,
];

/** This slice's notifications for the registry (app.ts): the video link template comes from config. */
export function createPsychologistNotifications(options: { linkTemplate: string }): FeatureNotifications {
  return {
    kinds: Object.values(psychologistKinds),
    render: (deps, notification) => {
      const withLink = { ...deps, linkTemplate: options.linkTemplate };
      if (notification.kind === psychologistKinds.waitlistAlert)
        return renderWaitlistAlert(deps, notification);
      if (notification.kind === psychologistKinds.curatorNotice)
        return renderCuratorNotice(deps, notification);
      return familyKinds.includes(notification.kind)
        ? renderFamily(withLink, notification)
        : renderStaff(withLink, notification);
    },
    sendClasses: {
      [psychologistKinds.psychologistCancelled]: 'urgent',
      [psychologistKinds.familyReminder]: 'urgent',
      [psychologistKinds.staffReminder]: 'urgent',
    },
  };
}
