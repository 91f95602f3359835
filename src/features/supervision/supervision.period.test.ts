import { describe, expect, it } from 'vitest';
import { parsePeriod, periodLabel } from './supervision.period.js';

const now = new Date('2026-11-25T04:00:00Z');

describe('/stats and /export periods', () => {
  it('defaults to the last 30 days and reads «7d»', () => {
    expect(parsePeriod(undefined, now, 'Europe/Moscow')).toEqual({
      from: new Date('2026-10-26T04:00:00Z'),
      to: now,
    });
    expect(parsePeriod('7d', now, 'Europe/Moscow')?.from).toEqual(new Date('2026-11-18T04:00:00Z'));
  });

  it('takes a month and a day range in the region’s time zone', () => {
    // Moscow is UTC+3: its November starts at 21:00 UTC on 31 October.
    expect(parsePeriod('2026-11', now, 'Europe/Moscow')).toEqual({
      from: new Date('2026-10-31T21:00:00Z'),
      to: new Date('2026-11-30T21:00:00Z'),
    });
    expect(parsePeriod('2026-12', now, 'Europe/Moscow')?.to).toEqual(new Date('2026-12-31T21:00:00Z'));
    const range = parsePeriod('2026-11-01..2026-11-15', now, 'Europe/Moscow')!;
    expect(range).toEqual({ from: new Date('2026-10-31T21:00:00Z'), to: new Date('2026-11-15T21:00:00Z') });
    expect(periodLabel(range, 'Europe/Moscow')).toBe('01.11.2026 – 15.11.2026');
    // A zone with a clock change inside the month.
    expect(parsePeriod('2026-03', now, 'Europe/Berlin')).toEqual({
      from: new Date('2026-02-28T23:00:00Z'),
      to: new Date('2026-03-31T22:00:00Z'),
    });
  });

  it('refuses what is not a period', () => {
    for (const text of ['вчера', '0d', '400d', '2026-13', '2026-02-30..2026-03-01', '2026-11-15..2026-11-01'])
      expect(parsePeriod(text, now, 'Europe/Moscow'), text).toBeUndefined();
  });
});
