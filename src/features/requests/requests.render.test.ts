import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestCategories } from '../../db/schema/enums.js';
import { createI18n } from '../../i18n.js';
import { formatRequestDetails } from './requests.render.js';
import { choiceSets, detailsSchemas, type RequestDetailsByCategory } from './requests.schemas.js';

const person = { householdMemberId: 1, name: 'Оля' };
const samples: RequestDetailsByCategory = {
  nanny: {
    children: [person],
    schedule: { kind: 'once', date: '2026-03-15', hours: '9–13' },
    address: 'Липецк',
  },
  kindergarten_transfer: {
    child: person,
    currentKindergarten: '№ 5',
    wantedKindergarten: '№ 12',
    wantedDate: '2026-09-01',
  },
  school_meals: { child: person, school: '№ 3', schoolClass: '3 Б', problem: 'interrupted' },
  psychologist: { forWhom: 'child', format: 'video', urgency: 'planned', preferredTime: 'вечером' },
  elderly_care: { relative: person, address: 'Казинка', helpKind: 'household', frequency: 'daily' },
  employment: { forWhom: 'self', occupation: 'бухгалтер', wanted: 'курсы' },
  legal: { topic: 'housing', description: 'протекает крыша', comment: 'срочно' },
  medical: { forWhom: 'relative', need: 'кардиолог' },
  other: { text: 'дрова' },
};

describe('readable request details', () => {
  const i18n = createI18n();

  it('renders every category with Russian labels and values', () => {
    const t = i18n.forLanguage('ru');
    expect(formatRequestDetails('nanny', samples.nanny, t)).toBe(
      'Дети: Оля\nГрафик: один раз\nДата: 15 марта 2026 г.\nЧасы: 9–13\nАдрес: Липецк',
    );
    expect(formatRequestDetails('legal', samples.legal, t)).toBe(
      'Тема: жильё\nСуть вопроса: протекает крыша\nКомментарий: срочно',
    );
    // A button's answer after a colon starts with a small letter; what the family typed stays as typed.
    expect(formatRequestDetails('psychologist', samples.psychologist, t)).toBe(
      'Срочность: можно в ближайшие дни\nДля кого: для ребёнка\nКак удобнее: по видеосвязи\nУдобное время: вечером',
    );
    expect(
      formatRequestDetails(
        'nanny',
        { ...samples.nanny, schedule: { kind: 'regular', days: ['mon', 'thu'], hours: 'После 18' } },
        t,
      ),
    ).toContain('График: регулярно\nДни: пн, чт\nЧасы: После 18');
    expect(formatRequestDetails('employment', { ...samples.employment, occupation: 'Бухгалтер' }, t)).toBe(
      'Для кого: для меня\nЧем занимается сейчас: Бухгалтер\nКакая работа или обучение нужны: курсы',
    );
    // English keeps the button's capital («I» above all).
    expect(
      formatRequestDetails(
        'psychologist',
        { ...samples.psychologist, urgency: 'now' },
        i18n.forLanguage('en'),
        'en',
      ),
    ).toContain(': I need help right now');
    for (const category of requestCategories) {
      expect(detailsSchemas('2026-03-01')[category].safeParse(samples[category]).success).toBe(true);
      expect(formatRequestDetails(category, samples[category], t)).not.toContain('req-');
    }
  });

  it('has a label for every choice in both languages', () => {
    for (const language of ['ru', 'en'] as const) {
      for (const [set, values] of Object.entries(choiceSets)) {
        for (const value of values) expect(i18n.has(language, `req-choice-${set}-${value}`)).toBe(true);
      }
    }
  });

  it('en.ftl has every requests and support-measures key of ru.ftl', () => {
    const keys = (language: string) =>
      readFileSync(new URL(`../../locales/${language}/main.ftl`, import.meta.url), 'utf8')
        .split('\n')
        .map((line) => /^((?:req|sm)-[a-z0-9_-]+) =/.exec(line)?.[1])
        .filter(Boolean);
    expect(keys('ru').length).toBeGreaterThan(150);
    expect(keys('en')).toEqual(keys('ru'));
  });
});
