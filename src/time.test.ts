import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n.js';
import {
  addYears,
  formatCalendarDate,
  formatRegionClock,
  formatRegionDate,
  formatRegionTime,
  isTimeZone,
  regionDate,
  regionTimeKey,
  regionTimePhrase,
  regionWallClockToUtc,
  startOfRegionDay,
} from './time.js';

describe('regionTimePhrase', () => {
  const t = createI18n().forLanguage('ru');
  it('names the region’s time as people do, never the raw zone id', () => {
    expect(regionTimePhrase(t, 'Europe/Moscow')).toBe('по московскому времени');
    expect(regionTimePhrase(t, 'Asia/Novosibirsk')).toBe('по красноярскому времени');
    expect(regionTimePhrase(t, 'Asia/Yekaterinburg')).toBe('по екатеринбургскому времени');
    expect(regionTimeKey('America/New_York')).toBe('other');
    expect(regionTimePhrase(t, 'America/New_York')).toBe('по местному времени');
  });
});

describe('addYears', () => {
  it('keeps the day, and 29 February becomes 28 February in a common year', () => {
    expect(addYears('2026-12-03', -18)).toBe('2008-12-03');
    expect(addYears('2024-02-29', -1)).toBe('2023-02-28');
  });
});

describe('formatting a moment for the region', () => {
  const moment = new Date('2026-11-25T21:30:00Z');
  it('writes the region’s wall clock, not UTC, the way people of the region read it', () => {
    expect(formatRegionTime(moment, 'Europe/Moscow')).toBe('26.11.2026, 00:30');
    expect(formatRegionTime(moment, 'Asia/Vladivostok')).toBe('26.11.2026, 07:30');
    expect(formatRegionTime(moment, 'Europe/Moscow', 'en')).toBe('26/11/2026, 00:30');
    expect(formatRegionClock(moment, 'Europe/Moscow')).toBe('00:30');
    expect(formatRegionClock(moment, 'Asia/Vladivostok')).toBe('07:30');
    expect(formatRegionDate(moment, 'Europe/Moscow')).toBe('26.11.2026');
    expect(formatRegionDate(moment, 'Europe/Kaliningrad')).toBe('25.11.2026');
  });

  it('writes a calendar date in words, the same day whatever the zone', () => {
    expect(formatCalendarDate('2026-11-05')).toBe('5 ноября 2026 г.');
    expect(formatCalendarDate('2026-11-05', 'en')).toBe('5 November 2026');
  });

  it('knows the zones of the IANA database and no others', () => {
    expect(isTimeZone('Asia/Yakutsk')).toBe(true);
    expect(isTimeZone('Moscow')).toBe(false);
  });
});

describe('the region’s calendar day of a moment', () => {
  it('is the date in the region, not in UTC', () => {
    // 22:30 UTC on 31 Dec is already 1 Jan in Moscow.
    expect(regionDate(Date.UTC(2025, 11, 31, 22, 30), 'Europe/Moscow')).toBe('2026-01-01');
    expect(regionDate(Date.UTC(2025, 11, 31, 20, 30), 'Europe/Moscow')).toBe('2025-12-31');
    expect(regionDate(new Date('2026-03-09T22:30:00Z'), 'Europe/Moscow')).toBe('2026-03-10');
  });
});

describe('wall-clock time in the region → UTC', () => {
  it('is midnight of that date in the region, not in UTC', () => {
    expect(startOfRegionDay('2026-12-05', 'Europe/Moscow').toISOString()).toBe('2026-12-04T21:00:00.000Z');
    expect(startOfRegionDay('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfRegionDay('2026-01-15', 'UTC').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfRegionDay('2026-01-01', 'Asia/Kamchatka').toISOString()).toBe('2025-12-31T12:00:00.000Z');
  });

  it('takes a time of day, and months and days past the end roll over', () => {
    const at = (wall: Parameters<typeof regionWallClockToUtc>[0], zone: string) =>
      regionWallClockToUtc(wall, zone).toISOString();
    expect(at({ year: 2026, month: 11, day: 25, hour: 14, minute: 30 }, 'Europe/Moscow')).toBe(
      '2026-11-25T11:30:00.000Z',
    );
    expect(at({ year: 2026, month: 13, day: 1 }, 'Europe/Moscow')).toBe('2026-12-31T21:00:00.000Z');
    expect(at({ year: 2026, month: 2, day: 29 }, 'Europe/Moscow')).toBe('2026-02-28T21:00:00.000Z');
  });

  it('finds the right moment on both sides of a clock change', () => {
    // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026.
    expect(startOfRegionDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfRegionDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(
      regionWallClockToUtc({ year: 2026, month: 3, day: 29, hour: 12 }, 'Europe/Berlin').toISOString(),
    ).toBe('2026-03-29T10:00:00.000Z');
  });
});
