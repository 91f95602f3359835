import type { Db } from '../../db/client.js';
import { type ConsultationFormat, consultationFormats } from '../../db/schema/enums.js';
import type { WorkingHours } from '../../db/schema/index.js';
import { writeOutbox } from '../../queue/outbox.js';
import { activeStaffByTelegramId } from '../staff/index.js';
import { createPsychologistsRepository } from './psychologists.repository.js';
import { parseHours } from './psychologists.slots.js';

/** A psychologist's own tools refuse everyone else: other staff, families, strangers. */
export async function psychologistByTelegramId(db: Db, telegramId: number) {
  const member = await activeStaffByTelegramId(db, telegramId);
  return member?.role === 'psychologist' ? member : undefined;
}

const weekdayWords = ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс'] as const;
const formatWords: Record<string, ConsultationFormat> = {
  видео: 'video',
  телефон: 'phone',
  чат: 'chat',
  очно: 'in_person',
  video: 'video',
  phone: 'phone',
  chat: 'chat',
  in_person: 'in_person',
};

/** `пн-пт`, `сб`, `пн,ср,пт` → 1…7; undefined for anything else. */
export function parseWeekdays(text: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to] = part.trim().split('-') as [string, string | undefined];
    const start = weekdayWords.indexOf(from as (typeof weekdayWords)[number]) + 1;
    const end = to === undefined ? start : weekdayWords.indexOf(to as (typeof weekdayWords)[number]) + 1;
    if (start === 0 || end === 0 || end < start) return undefined;
    for (let day = start; day <= end; day++) days.add(day);
  }
  return [...days];
}

/** `09.12.2026` or `2026-12-09` → `2026-12-09`. */
function parseDate(text: string): string | undefined {
  const russian = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text.trim());
  const iso = russian ? `${russian[3]}-${russian[2]}-${russian[1]}` : text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return undefined;
  return new Date(`${iso}T12:00:00Z`).toISOString().slice(0, 10) === iso ? iso : undefined;
}

export type ScheduleChange =
  | { kind: 'hours'; text: string }
  | { kind: 'slot'; text: string }
  | { kind: 'formats'; text: string }
  | { kind: 'address'; text: string }
  | { kind: 'dayoff'; text: string };

type Patch = Parameters<ReturnType<typeof createPsychologistsRepository>['saveSchedule']>[1];
type Current = { hours: WorkingHours[]; daysOff: string[] };

/** What a command's text changes, or undefined when it cannot be read (the reply shows how to write it). */
function patchOf(change: ScheduleChange, current: Current): Patch | undefined {
  const text = change.text.trim();
  switch (change.kind) {
    case 'hours': {
      const [dayText = '', ...rest] = text.split(/\s+/);
      const weekdays = parseWeekdays(dayText);
      const off = rest.join(' ') === '-' || /^выходн/i.test(rest.join(' '));
      const span = off ? undefined : parseHours(rest.join(' '));
      if (!weekdays || (!off && !span)) return undefined;
      const kept = current.hours.filter((h) => !weekdays.includes(h.weekday));
      const added = span ? weekdays.map((weekday) => ({ weekday, ...span })) : [];
      return { hours: [...kept, ...added].sort((a, b) => a.weekday - b.weekday) };
    }
    case 'slot': {
      const minutes = Number(text);
      return Number.isInteger(minutes) && minutes >= 15 && minutes <= 180
        ? { slotMinutes: minutes }
        : undefined;
    }
    case 'formats': {
      const formats = [
        ...new Set(
          text
            .toLowerCase()
            .split(/[\s,]+/)
            .map((word) => formatWords[word]),
        ),
      ];
      if (formats.length === 0 || formats.some((format) => format === undefined)) return undefined;
      return { formats: consultationFormats.filter((format) => formats.includes(format)) };
    }
    case 'address':
      return text.length >= 5 && text.length <= 300 ? { address: text } : undefined;
    case 'dayoff': {
      const date = parseDate(text);
      if (!date) return undefined;
      const daysOff = current.daysOff.includes(date)
        ? current.daysOff.filter((day) => day !== date)
        : [...current.daysOff, date].sort();
      return { daysOff };
    }
  }
}

export type ScheduleResult =
  | { ok: true; schedule: Awaited<ReturnType<typeof loadSchedule>> }
  | { ok: false; reason: 'not_psychologist' | 'unreadable' };

async function loadSchedule(db: Db, staffId: number) {
  const repository = createPsychologistsRepository({ db });
  return (await repository.scheduleOf(staffId)) ?? (await repository.saveSchedule(staffId, {}));
}

/** The sandbox's demo psychologist: weekdays 9:00–18:00, 50-minute consultations, every format. */
export async function saveDemoSchedule(db: Db, staffId: number) {
  await createPsychologistsRepository({ db }).saveSchedule(staffId, {
    slotMinutes: 50,
    hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 9 * 60, toMinute: 18 * 60 })),
    formats: [...consultationFormats],
    address: 'г. Липецк, ул. Советская, 66, каб. 14',
  });
}

/** `/schedule` and its commands: the psychologist's schedule after the change (none: as it is). */
export async function changeSchedule(
  db: Db,
  telegramId: number,
  change?: ScheduleChange,
): Promise<ScheduleResult> {
  const psychologist = await psychologistByTelegramId(db, telegramId);
  if (!psychologist) return { ok: false, reason: 'not_psychologist' };
  const current = await loadSchedule(db, psychologist.id);
  if (!change) return { ok: true, schedule: current };
  const patch = patchOf(change, current);
  if (!patch) return { ok: false, reason: 'unreadable' };
  const schedule = await db.transaction(async (tx) => {
    const saved = await createPsychologistsRepository({ db: tx }).saveSchedule(psychologist.id, patch);
    // More time may be free now: the waiting list hears of it once this commits.
    if (change.kind === 'hours' || change.kind === 'slot' || change.kind === 'dayoff') {
      await writeOutbox(tx, { kind: 'psychologist_schedule_changed', payload: { staffId: psychologist.id } });
    }
    return saved;
  });
  return { ok: true, schedule };
}
