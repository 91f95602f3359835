import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n.js';
import { menuButtonOfText } from '../main-menu.js';
import { normalizePhone, parseRussianDate } from './questions.js';

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
