import { describe, expect, it } from 'vitest';
import { familyCuratorOrDeputy, type StaffPresence } from './staff.presence.js';

const now = new Date('2026-12-07T10:00:00Z');
const later = new Date('2026-12-10T10:00:00Z');
const earlier = new Date('2026-12-01T10:00:00Z');
const curator = (over: Partial<StaffPresence> = {}): StaffPresence => ({
  id: 1,
  role: 'curator',
  active: true,
  botBlocked: false,
  awayUntil: null,
  deputyId: 2,
  ...over,
});
const deputy = (over: Partial<StaffPresence> = {}) => curator({ id: 2, deputyId: null, ...over });

describe('the first two steps of the routing order', () => {
  it('gives the family curator when present, whoever the deputy is', () => {
    expect(familyCuratorOrDeputy(curator(), deputy(), now)).toMatchObject({
      member: { id: 1 },
      via: 'family_curator',
    });
    // An absence that has ended is no absence.
    expect(familyCuratorOrDeputy(curator({ awayUntil: earlier }), deputy(), now)?.via).toBe('family_curator');
  });

  it('gives the deputy while the curator is away, if the deputy can take requests', () => {
    expect(familyCuratorOrDeputy(curator({ awayUntil: later }), deputy(), now)).toMatchObject({
      member: { id: 2 },
      via: 'deputy',
    });
    for (const unable of [
      { awayUntil: later },
      { botBlocked: true },
      { active: false },
      { role: 'supervisor' },
    ]) {
      expect(familyCuratorOrDeputy(curator({ awayUntil: later }), deputy(unable), now)).toBeUndefined();
    }
  });

  it('leaves it to the rest of the order when the curator cannot take requests for another reason', () => {
    // Deactivated or blocking the bot: their deputy does not stand in (only an absence hands work over).
    expect(
      familyCuratorOrDeputy(curator({ active: false, awayUntil: later }), deputy(), now),
    ).toBeUndefined();
    expect(familyCuratorOrDeputy(curator({ botBlocked: true }), deputy(), now)).toBeUndefined();
    expect(
      familyCuratorOrDeputy(curator({ awayUntil: later, deputyId: null }), undefined, now),
    ).toBeUndefined();
    expect(familyCuratorOrDeputy(undefined, undefined, now)).toBeUndefined();
  });
});
