import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choiceAfterColon, createI18n, localeFiles, lowerFirstLetter } from './i18n.js';

const keysOf = (language: 'ru' | 'en', file: string) =>
  readFileSync(new URL(`./locales/${language}/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^([a-z][a-z0-9_-]*) =/.exec(line)?.[1])
    .filter((key): key is string => Boolean(key));

describe('locales', () => {
  it('has the same files and the same keys in the same order in Russian and English', () => {
    expect(localeFiles('en')).toEqual(localeFiles('ru'));
    for (const file of localeFiles('ru')) expect(keysOf('en', file), file).toEqual(keysOf('ru', file));
  });

  it('loads every file and falls back to Russian for a key English lacks', () => {
    const i18n = createI18n();
    const key = keysOf('ru', 'main.ftl')[0] ?? '';
    expect(i18n.has('ru', key)).toBe(true);
    expect(() => i18n.t('en', 'no-such-key')).toThrow(/Missing translation key/);
  });
});

describe('a choice after a colon', () => {
  it('starts with a small letter in Russian, keeps an abbreviation, and keeps the capital in English', () => {
    const i18n = createI18n();
    expect(choiceAfterColon(i18n.forLanguage('ru'), 'Можно в ближайшие дни')).toBe('можно в ближайшие дни');
    expect(choiceAfterColon(i18n.forLanguage('en'), 'I need help right now')).toBe('I need help right now');
    expect(lowerFirstLetter('МФЦ')).toBe('МФЦ');
    expect(lowerFirstLetter('')).toBe('');
  });
});

describe('request numbers and ids', () => {
  it('read as names, never grouped like a quantity', () => {
    const t = createI18n().forLanguage('ru');
    expect(t('req-list-button', { number: 1002, category: 'Няня' })).toBe('№ 1002 · Няня');
    expect(t('delivery-family-without-curator', { district: 'Грязинский район', familyId: 12345 })).toContain(
      '12345',
    );
    // A count stays a count: «1 000 символов».
    expect(t('dialogue-hint-too-long', { max: 1000 })).toContain('1\u00a0000');
  });
});

describe('staff alerts', () => {
  it('start every line with a capital, also for a district named in lower case', () => {
    const t = createI18n().forLanguage('ru');
    const district = 'городской округ город Липецк';
    const texts = [
      t('dl-urgent', {
        number: 1001,
        district,
        curator: 'Анна Петрова',
        deadline: '03.12.2026, 12:00',
        regionTime: 'по московскому времени',
      }),
      t('dl-alert', {
        level: 'district',
        number: 1001,
        clock: 'take',
        category: 'Няня',
        district,
        justNow: 'yes',
        deadline: '03.12.2026, 12:00',
        regionTime: 'по московскому времени',
        late: '5 мин',
        curator: 'Анна Петрова',
      }),
      t('dl-reminder', { clock: 'take', number: 1001, category: 'Няня', district }),
    ];
    for (const line of texts.join('\n').split('\n')) expect(line).not.toMatch(/^\p{Ll}/u);
  });
});
