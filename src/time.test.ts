import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n.js';
import { addYears, regionTimeKey, regionTimePhrase } from './time.js';

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
