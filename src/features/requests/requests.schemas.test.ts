import { describe, expect, it } from 'vitest';
import { detailsSchemas, isoDateSchema, parseRequestDraft, upcomingDateSchema } from './requests.schemas.js';

const today = '2026-03-10';

describe('request details schemas', () => {
  it('accepts only real calendar dates', () => {
    expect(isoDateSchema.safeParse('2026-02-28').success).toBe(true);
    expect(isoDateSchema.safeParse('2026-02-30').success).toBe(false);
    expect(isoDateSchema.safeParse('10.03.2026').success).toBe(false);
  });

  it('wants upcoming dates from today to a year ahead', () => {
    const upcoming = upcomingDateSchema(today);
    expect(upcoming.safeParse('2026-03-10').success).toBe(true);
    expect(upcoming.safeParse('2026-03-09').success).toBe(false);
    expect(upcoming.safeParse('2027-03-12').success).toBe(false);
  });

  it('bounds texts and squeezes their spaces', () => {
    const legal = detailsSchemas(today).legal;
    expect(legal.parse({ topic: 'housing', description: '  протекает   крыша ' }).description).toBe(
      'протекает крыша',
    );
    expect(legal.safeParse({ topic: 'housing', description: 'x'.repeat(1001) }).success).toBe(false);
    expect(legal.safeParse({ topic: 'housing', description: '   ' }).success).toBe(false);
    expect(legal.safeParse({ topic: 'taxes', description: 'x' }).success).toBe(false);
  });

  it('checks the nanny schedule by its kind', () => {
    const nanny = detailsSchemas(today).nanny;
    const base = { children: [{ householdMemberId: 3, name: 'Оля' }], address: 'Липецк' };
    expect(
      nanny.safeParse({ ...base, schedule: { kind: 'regular', days: ['mon', 'wed'], hours: '9–13' } })
        .success,
    ).toBe(true);
    expect(
      nanny.safeParse({ ...base, schedule: { kind: 'regular', days: ['mon', 'mon'], hours: '9–13' } })
        .success,
    ).toBe(false);
    expect(
      nanny.safeParse({ ...base, schedule: { kind: 'once', date: '2026-03-01', hours: '9–13' } }).success,
    ).toBe(false);
    expect(
      nanny.safeParse({ ...base, children: [], schedule: { kind: 'once', date: today, hours: '9' } }).success,
    ).toBe(false);
  });

  it('refuses an unknown category and keys a category does not have', () => {
    expect(parseRequestDraft({ category: 'taxi', details: {} }, today).success).toBe(false);
    expect(parseRequestDraft({ category: 'other', details: { text: 'помогите' } }, today).success).toBe(true);
    expect(parseRequestDraft({ category: 'other', details: {} }, today).success).toBe(false);
    expect(
      parseRequestDraft({ category: 'other', details: { text: 'x', phone: '+7900' } }, today).success,
    ).toBe(false);
  });
});
