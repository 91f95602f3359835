import { describe, expect, it } from 'vitest';
import {
  freeSlots,
  isSlotStart,
  parseHours,
  type ScheduleShape,
  slotKey,
  slotsOfDay,
} from './psychologists.slots.js';
import { remindersOwed } from './psychologists.timers.js';

/** Slots with a fixed clock: Thursday 3 December 2026, 10:20 in Moscow (07:20 UTC). */
const now = new Date('2026-12-03T07:20:00Z');
const zone = 'Europe/Moscow';
const weekdays: ScheduleShape = {
  staffId: 7,
  slotMinutes: 50,
  hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 9 * 60, toMinute: 12 * 60 })),
  daysOff: ['2026-12-07'],
};

describe("a psychologist's slots in the region's time", () => {
  it('lays slots from the start of the hours, whole ones only, in Moscow time', () => {
    const slots = slotsOfDay(weekdays, '2026-12-03', zone);
    expect(slots.map((slot) => slot.startsAt.toISOString())).toEqual([
      '2026-12-03T06:00:00.000Z',
      '2026-12-03T06:50:00.000Z',
      '2026-12-03T07:40:00.000Z',
    ]);
    expect(slots[2]!.endsAt.toISOString()).toBe('2026-12-03T08:30:00.000Z');
    expect(slotsOfDay(weekdays, '2026-12-05', zone)).toEqual([]);
    expect(slotsOfDay(weekdays, '2026-12-07', zone)).toEqual([]);
  });

  it('offers only free slots from 15 minutes on, over 14 days, earliest first', () => {
    const booked = new Set([slotKey(7, new Date('2026-12-04T06:00:00Z'))]);
    const slots = freeSlots({ schedules: [weekdays], booked, now, timeZone: zone });
    // 10:30 today is 10 minutes away: too soon; 10:40 is the first.
    expect(slots[0]!.startsAt.toISOString()).toBe('2026-12-03T07:40:00.000Z');
    expect(slots[1]!.startsAt.toISOString()).toBe('2026-12-04T06:50:00.000Z');
    // Days 3 Dec … 16 Dec: 10 weekdays, minus the day off, 3 slots each, minus the 2 gone today and the booked one.
    expect(slots).toHaveLength(9 * 3 - 2 - 1);
    expect(slots.at(-1)!.startsAt.toISOString()).toBe('2026-12-16T07:40:00.000Z');
  });

  it('checks a pressed moment against the schedule as it is now', () => {
    expect(isSlotStart(weekdays, new Date('2026-12-04T06:50:00Z'), zone)).toBeDefined();
    expect(isSlotStart(weekdays, new Date('2026-12-04T06:55:00Z'), zone)).toBeUndefined();
    expect(parseHours('9:00-17:30')).toEqual({ fromMinute: 540, toMinute: 1050 });
    expect(parseHours('17:00-9:00')).toBeUndefined();
  });

  it('owes a reminder only when its time comes after the booking', () => {
    const startsAt = new Date('2026-12-10T07:00:00Z');
    expect(remindersOwed({ startsAt, createdAt: now }).map((step) => step.lead)).toEqual(['24h', '1h']);
    const lateBooking = new Date('2026-12-09T12:00:00Z');
    expect(remindersOwed({ startsAt, createdAt: lateBooking }).map((step) => step.lead)).toEqual(['1h']);
  });
});
