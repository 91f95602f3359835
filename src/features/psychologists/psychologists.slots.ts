import type { WorkingHours } from '../../db/schema/index.js';
import { addDays, regionDate, regionWallClockToUtc } from '../../time.js';

/** What slots are made of: a psychologist's weekly hours, slot length and days off. */
export interface ScheduleShape {
  staffId: number;
  slotMinutes: number;
  hours: readonly WorkingHours[];
  daysOff: readonly string[];
}

export interface Slot {
  staffId: number;
  startsAt: Date;
  endsAt: Date;
}

/** Families see the next 14 days; further out the waiting list tells them honestly when. */
export const BOOKING_DAYS = 14;
/** A slot starting sooner than this cannot be booked any more (someone must still get ready). */
export const MIN_LEAD_MS = 15 * 60_000;

/** 1 Monday … 7 Sunday of a region date. */
export function weekdayOf(isoDate: string): number {
  const day = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Every slot of one psychologist on one region day, booked or not. */
export function slotsOfDay(schedule: ScheduleShape, isoDate: string, timeZone: string): Slot[] {
  if (schedule.daysOff.includes(isoDate) || schedule.slotMinutes <= 0) return [];
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const slots: Slot[] = [];
  for (const hours of schedule.hours.filter((h) => h.weekday === weekdayOf(isoDate))) {
    for (let minute = hours.fromMinute; minute + schedule.slotMinutes <= hours.toMinute; ) {
      const startsAt = regionWallClockToUtc({ year, month, day, minute }, timeZone);
      minute += schedule.slotMinutes;
      const endsAt = regionWallClockToUtc({ year, month, day, minute }, timeZone);
      slots.push({ staffId: schedule.staffId, startsAt, endsAt });
    }
  }
  return slots;
}

export const slotKey = (staffId: number, startsAt: Date) => `${staffId}:${startsAt.getTime()}`;

/**
 * The free slots of these psychologists from `now` over `days` region days, earliest first (ties by
 * psychologist): not booked, not starting within MIN_LEAD_MS.
 */
export function freeSlots(input: {
  schedules: readonly ScheduleShape[];
  booked: ReadonlySet<string>;
  now: Date;
  timeZone: string;
  days?: number;
}): Slot[] {
  const today = regionDate(input.now, input.timeZone);
  const earliest = input.now.getTime() + MIN_LEAD_MS;
  const slots: Slot[] = [];
  for (let offset = 0; offset < (input.days ?? BOOKING_DAYS); offset++) {
    const isoDate = addDays(today, offset);
    for (const schedule of input.schedules) {
      for (const slot of slotsOfDay(schedule, isoDate, input.timeZone)) {
        if (slot.startsAt.getTime() < earliest) continue;
        if (input.booked.has(slotKey(slot.staffId, slot.startsAt))) continue;
        slots.push(slot);
      }
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.staffId - b.staffId);
}

/** Whether this moment starts a slot of the schedule (a press may be days old, the schedule changed). */
export function isSlotStart(schedule: ScheduleShape, startsAt: Date, timeZone: string): Slot | undefined {
  const isoDate = regionDate(startsAt, timeZone);
  return slotsOfDay(schedule, isoDate, timeZone).find(
    (slot) => slot.startsAt.getTime() === startsAt.getTime(),
  );
}

/** `09:00-17:00` → minutes of the day; undefined for anything else. */
export function parseHours(text: string): { fromMinute: number; toMinute: number } | undefined {
  const match = /^(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [fromH, fromM, toH, toM] = match.slice(1).map(Number) as [number, number, number, number];
  if (fromH > 23 || toH > 24 || fromM > 59 || toM > 59) return undefined;
  const fromMinute = fromH * 60 + fromM;
  const toMinute = Math.min(toH * 60 + toM, 1440);
  return fromMinute < toMinute ? { fromMinute, toMinute } : undefined;
}

/** Minutes of the day as `09:00`. */
export const clockOf = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
