import { describe, expect, it } from 'vitest';
import { menuButtonOfText } from '../../features/menu/menu.keyboards.js';
import { createI18n } from '../../i18n.js';
import { normalizePhone, parseRussianDate, regionDate } from './questions.js';

describe('parseRussianDate', () => {
  it('takes dd.mm.yyyy and its common variants', () => {
    expect(parseRussianDate('05.03.2015')).toBe('2015-03-05');
    expect(parseRussianDate('5.3.2015')).toBe('2015-03-05');
    expect(parseRussianDate(' 29/02/2016 ')).toBe('2016-02-29');
  });
  it('refuses impossible dates and other shapes', () => {
    expect(parseRussianDate('31.02.2015')).toBeUndefined();
    expect(parseRussianDate('29.02.2015')).toBeUndefined();
    expect(parseRussianDate('00.01.2015')).toBeUndefined();
    expect(parseRussianDate('2015-03-05')).toBeUndefined();
    expect(parseRussianDate('вчера')).toBeUndefined();
  });
});

describe('normalizePhone', () => {
  it('brings Russian numbers to +7 and ten digits', () => {
    expect(normalizePhone('8 (900) 123-45-67')).toBe('+79001234567');
    expect(normalizePhone('+7 900 123 45 67')).toBe('+79001234567');
    expect(normalizePhone('79001234567')).toBe('+79001234567');
    expect(normalizePhone('9001234567')).toBe('+79001234567');
    expect(normalizePhone('+375 29 123 45 67')).toBe('+375291234567');
  });
});

describe('regionDate', () => {
  it('is the calendar date in the region, not in UTC', () => {
    // 22:30 UTC on 31 Dec is already 1 Jan in Moscow.
    expect(regionDate(Date.UTC(2025, 11, 31, 22, 30), 'Europe/Moscow')).toBe('2026-01-01');
    expect(regionDate(Date.UTC(2025, 11, 31, 20, 30), 'Europe/Moscow')).toBe('2025-12-31');
  });
});

describe('menuButtonOfText', () => {
  const i18n = createI18n();
  it('knows the menu buttons in both languages and nothing else', () => {
    expect(menuButtonOfText(i18n, 'Нужна помощь')).toBe('need_help');
    expect(menuButtonOfText(i18n, 'Settings')).toBe('settings');
    expect(menuButtonOfText(i18n, 'Социальный паспорт ')).toBe('passport');
    expect(menuButtonOfText(i18n, 'нужна помощь срочно')).toBeUndefined();
    expect(menuButtonOfText(i18n, undefined)).toBeUndefined();
  });
});
