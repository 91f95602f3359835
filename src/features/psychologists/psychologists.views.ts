import type { ConsultationFormat } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';
import { formatCalendarDate, formatRegionClock, regionDate, regionTimePhrase } from '../../time.js';
import { clockOf, type ScheduleShape, weekdayOf } from './psychologists.slots.js';

/** `пн 07.12` */
export function shortDay(t: Translate, isoDate: string) {
  const [, month, day] = isoDate.split('-');
  return `${t('psy-weekday-short', { day: weekdayOf(isoDate) })} ${day}.${month}`;
}

/** `пн 07.12, 14:30` (or just `14:30`). */
export function formatSlot(t: Translate, moment: Date, timeZone: string, options: { withDay: boolean }) {
  const clock = formatRegionClock(moment, timeZone);
  return options.withDay ? `${shortDay(t, regionDate(moment, timeZone))}, ${clock}` : clock;
}

/** `четверг, 10 декабря 2026, 14:30 (по московскому времени)` */
export function longMoment(t: Translate, moment: Date, timeZone: string) {
  const isoDate = regionDate(moment, timeZone);
  return t('psy-moment', {
    weekday: weekdayOf(isoDate),
    date: formatCalendarDate(isoDate),
    time: formatRegionClock(moment, timeZone),
    regionTime: regionTimePhrase(t, timeZone),
  });
}

/** How the family joins: the booking's video link, the phone, the chat, or the address. */
export function joinLine(
  t: Translate,
  input: { format: ConsultationFormat; joinToken: string; address: string | null; linkTemplate: string },
) {
  switch (input.format) {
    case 'video':
      return t('psy-join-video', { link: input.linkTemplate.replaceAll('{token}', input.joinToken) });
    case 'phone':
      return t('psy-join-phone');
    case 'chat':
      return t('psy-join-chat');
    case 'in_person':
      return t('psy-join-in-person', { address: input.address ?? t('psy-address-unknown') });
  }
}

/** The schedule as `/schedule` shows it. */
export function scheduleText(
  t: Translate,
  schedule: ScheduleShape & { formats: readonly ConsultationFormat[]; address: string | null },
) {
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => {
    const spans = schedule.hours.filter((h) => h.weekday === weekday);
    const text =
      spans.length === 0
        ? t('psy-day-off')
        : spans.map((h) => `${clockOf(h.fromMinute)}–${clockOf(h.toMinute)}`).join(', ');
    return `${t('psy-weekday-short', { day: weekday })}: ${text}`;
  });
  return t('psy-schedule', {
    hours: hours.join('\n'),
    slot: schedule.slotMinutes,
    formats: schedule.formats.map((format) => t('psy-format', { format })).join(', '),
    address: schedule.address ?? t('psy-address-unknown'),
    daysOff:
      schedule.daysOff.length === 0
        ? t('psy-none')
        : schedule.daysOff.map((d) => d.split('-').reverse().join('.')).join(', '),
  });
}

/** An .ics calendar file of one consultation (RFC 5545, UTC times, CRLF lines). */
export function icsOf(input: {
  uid: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description: string;
  location: string;
  now: Date;
}) {
  const stamp = (moment: Date) =>
    moment
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  const escaped = (text: string) => text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Patronazh//Consultations//RU',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${input.uid}@patronazh`,
    `DTSTAMP:${stamp(input.now)}`,
    `DTSTART:${stamp(input.startsAt)}`,
    `DTEND:${stamp(input.endsAt)}`,
    `SUMMARY:${escaped(input.summary)}`,
    `DESCRIPTION:${escaped(input.description)}`,
    `LOCATION:${escaped(input.location)}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** The name a person is called by: the second word of «Фамилия Имя Отчество», the first of «Имя Фамилия». */
export function firstNameOf(fullName: string | null | undefined) {
  const words = (fullName ?? '').trim().split(/\s+/).filter(Boolean);
  return (words.length >= 3 ? words[1] : words[0]) ?? '—';
}
