import { InlineKeyboard } from 'grammy';
import { callbackData, count, id, oneOf } from '../../bot/callback-data.js';
import { consultationFormats } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';
import type { Slot } from './psychologists.slots.js';
import { formatSlot, shortDay } from './psychologists.views.js';

/** Minutes since 1970: a slot's start in a button, well within 64 bytes. */
const minute = count('at', { min: 1, max: 2_147_483_647 });
/** Days since 1970: a calendar day in a button. */
const day = count('day', { min: 1, max: 1_000_000 });

/** The family's buttons: slots, the calendar, its days, the format, moving and cancelling a booking. */
export const familyButtons = callbackData('psy', {
  slot: ['s', id('requestId'), id('staffId'), minute],
  format: ['f', id('requestId'), id('staffId'), minute, oneOf('format', consultationFormats)],
  calendar: ['c', id('requestId')],
  day: ['d', id('requestId'), day],
  move: ['m', id('consultationId')],
  cancel: ['x', id('consultationId')],
  cancelSure: ['xy', id('consultationId')],
});

/** A curator booking for a family reached by phone: open the free slots, book one. */
export const phoneButtons = callbackData('psyph', {
  open: ['o', id('requestId')],
  slot: ['s', id('requestId'), id('staffId'), minute],
});

/** The free slots a curator books from, with the day (the family is not choosing by the calendar). */
export function phoneSlotsKeyboard(
  t: Translate,
  input: { requestId: number; slots: Slot[]; timeZone: string },
) {
  const keyboard = new InlineKeyboard();
  input.slots.forEach((slot, index) => {
    if (index > 0 && index % 2 === 0) keyboard.row();
    const at = toMinute(slot.startsAt);
    keyboard.text(
      formatSlot(t, slot.startsAt, input.timeZone, { withDay: true }),
      phoneButtons.encode('slot', { requestId: input.requestId, staffId: slot.staffId, at }),
    );
  });
  return keyboard;
}

export const psychologistReasons = ['illness', 'emergency', 'schedule', 'family_asked'] as const;
export type PsychologistReason = (typeof psychologistReasons)[number];

/** The psychologist's buttons under a booking: the outcome, cancelling with a reason, the notes. */
export const staffButtons = callbackData('psyst', {
  outcome: ['o', id('consultationId'), oneOf('outcome', ['held', 'no_show'] as const)],
  cancel: ['c', id('consultationId')],
  reason: ['r', id('consultationId'), oneOf('reason', psychologistReasons)],
  notes: ['n', id('consultationId')],
  view: ['v', id('consultationId')],
});

export const toMinute = (moment: Date) => Math.floor(moment.getTime() / 60_000);
export const fromMinute = (value: number) => new Date(value * 60_000);
export const toDay = (isoDate: string) => Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
export const fromDay = (value: number) => new Date(value * 86_400_000).toISOString().slice(0, 10);

/** Slot buttons (two a row), then «Другой день» for the calendar. */
export function slotsKeyboard(
  t: Translate,
  input: { requestId: number; slots: Slot[]; timeZone: string; withDay: boolean },
) {
  const keyboard = new InlineKeyboard();
  input.slots.forEach((slot, index) => {
    if (index > 0 && index % 2 === 0) keyboard.row();
    keyboard.text(
      formatSlot(t, slot.startsAt, input.timeZone, { withDay: input.withDay }),
      familyButtons.encode('slot', {
        requestId: input.requestId,
        staffId: slot.staffId,
        at: toMinute(slot.startsAt),
      }),
    );
  });
  return keyboard
    .row()
    .text(t('psy-btn-calendar'), familyButtons.encode('calendar', { requestId: input.requestId }));
}

/** The calendar: only the days with a free slot, three a row. */
export function calendarKeyboard(t: Translate, requestId: number, days: string[]) {
  const keyboard = new InlineKeyboard();
  days.forEach((isoDate, index) => {
    if (index > 0 && index % 3 === 0) keyboard.row();
    keyboard.text(shortDay(t, isoDate), familyButtons.encode('day', { requestId, day: toDay(isoDate) }));
  });
  return keyboard;
}

export function formatKeyboard(
  t: Translate,
  input: {
    requestId: number;
    staffId: number;
    at: number;
    formats: readonly (typeof consultationFormats)[number][];
  },
) {
  const keyboard = new InlineKeyboard();
  for (const format of input.formats) {
    keyboard.text(t('psy-format', { format }), familyButtons.encode('format', { ...input, format })).row();
  }
  return keyboard;
}

/** Under the family's confirmation: move, cancel. */
export function bookedKeyboard(t: Translate, consultationId: number) {
  return new InlineKeyboard()
    .text(t('psy-btn-move'), familyButtons.encode('move', { consultationId }))
    .text(t('psy-btn-cancel'), familyButtons.encode('cancel', { consultationId }));
}

export function cancelSureKeyboard(t: Translate, consultationId: number) {
  return new InlineKeyboard().text(
    t('psy-btn-cancel-sure'),
    familyButtons.encode('cancelSure', { consultationId }),
  );
}

/** Under a booking in the psychologist's day: held, no-show, cancel, notes. */
export function agendaKeyboard(t: Translate, consultationId: number, status: string) {
  const keyboard = new InlineKeyboard();
  if (status === 'booked') {
    keyboard
      .text(t('psy-btn-held'), staffButtons.encode('outcome', { consultationId, outcome: 'held' }))
      .text(t('psy-btn-no-show'), staffButtons.encode('outcome', { consultationId, outcome: 'no_show' }))
      .row()
      .text(t('psy-btn-staff-cancel'), staffButtons.encode('cancel', { consultationId }));
  }
  return keyboard.text(t('psy-btn-notes'), staffButtons.encode('notes', { consultationId }));
}

export function reasonsKeyboard(t: Translate, consultationId: number) {
  const keyboard = new InlineKeyboard();
  for (const reason of psychologistReasons) {
    keyboard
      .text(t('psy-reason', { reason }), staffButtons.encode('reason', { consultationId, reason }))
      .row();
  }
  return keyboard;
}
