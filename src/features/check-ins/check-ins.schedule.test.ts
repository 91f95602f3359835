import { describe, expect, it } from 'vitest';
import { checkInSlot, slotsOpenAt } from './check-ins.schedule.js';

describe('check-in schedule', () => {
  it('spreads families over every minute from 10:00 to 19:00', () => {
    const slots = new Set(Array.from({ length: 540 }, (_, index) => checkInSlot(index + 1)));
    expect(slots.size).toBe(540);
    expect(Math.min(...slots)).toBe(0);
    expect(Math.max(...slots)).toBe(539);
  });

  it('sends in the region’s daytime only', () => {
    const zone = 'Europe/Moscow';
    expect(slotsOpenAt(new Date('2026-12-07T06:59:00Z'), zone)).toBeUndefined(); // 09:59
    expect(slotsOpenAt(new Date('2026-12-07T07:00:00Z'), zone)).toBe(0); // 10:00
    expect(slotsOpenAt(new Date('2026-12-07T15:59:00Z'), zone)).toBe(539); // 18:59
    expect(slotsOpenAt(new Date('2026-12-07T16:00:00Z'), zone)).toBeUndefined(); // 19:00
    expect(slotsOpenAt(new Date('2026-12-07T00:00:00Z'), zone)).toBeUndefined(); // 03:00
  });
});
