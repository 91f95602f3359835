import { describe, expect, it } from 'vitest';
import { type FilterVocabulary, parseFilterWords } from './supervision.filters.js';

const vocabulary: FilterVocabulary = {
  districts: [
    { id: 1, code: 'elets-city', name: 'городской округ город Елец' },
    { id: 2, code: 'elets', name: 'Елецкий район' },
    { id: 3, code: 'gryazi', name: 'Грязинский район' },
    { id: 4, code: 'lipetsk-city', name: 'городской округ город Липецк' },
    { id: 5, code: 'lipetsk', name: 'Липецкий район' },
  ],
  categories: [
    { code: 'nanny', label: 'Няня' },
    { code: 'psychologist', label: 'Помощь психолога' },
    { code: 'legal', label: 'Юридическая помощь' },
  ],
};

describe('supervision filters in words', () => {
  it('reads a district and a category whole, begun, in any case, or by code', () => {
    expect(parseFilterWords(['Грязинский', 'НЯНЯ'], vocabulary)).toEqual({
      ok: true,
      districtId: 3,
      category: 'nanny',
    });
    expect(parseFilterWords(['гряз', 'район', 'психолог'], vocabulary)).toEqual({
      ok: true,
      districtId: 3,
      category: 'psychologist',
    });
    expect(parseFilterWords(['gryazi', 'legal'], vocabulary)).toEqual({
      ok: true,
      districtId: 3,
      category: 'legal',
    });
  });

  it('a whole word wins over the start of another: «Елец» is the city, «Елецкий» the district', () => {
    expect(parseFilterWords(['Елец'], vocabulary)).toEqual({ ok: true, districtId: 1 });
    expect(parseFilterWords(['елецкий'], vocabulary)).toEqual({ ok: true, districtId: 2 });
  });

  it('names the choices when a word fits several, and the word when it fits none', () => {
    expect(parseFilterWords(['лип'], vocabulary)).toEqual({
      ok: false,
      reason: 'ambiguous',
      word: 'лип',
      options: ['городской округ город Липецк', 'Липецкий район'],
    });
    expect(parseFilterWords(['помощь'], vocabulary)).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(parseFilterWords(['Москва'], vocabulary)).toEqual({
      ok: false,
      reason: 'unknown',
      word: 'Москва',
    });
    expect(parseFilterWords(['гр'], vocabulary)).toEqual({ ok: false, reason: 'unknown', word: 'гр' });
  });
});
