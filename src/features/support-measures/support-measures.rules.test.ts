import { describe, expect, it } from 'vitest';
import { parseMeasuresYaml } from './support-measures.catalogue.js';
import { ageOn, type Eligibility, isEligible, type PassportFacts } from './support-measures.rules.js';

const today = '2026-12-04';
const family = (overrides: Partial<PassportFacts> = {}): PassportFacts => ({
  districtCode: 'gryazi',
  children: [],
  relatives: [],
  ...overrides,
});
const child = (
  birthDate: string | null,
  institution: 'kindergarten' | 'school' | 'none' | null = 'none',
) => ({
  birthDate,
  institution,
});

describe('eligibility over the social passport', () => {
  // [what, rules, passport, eligible]
  const cases: Array<[string, Eligibility, PassportFacts, boolean]> = [
    ['no rules: every family', {}, family(), true],
    [
      'a school child: school meals',
      { children: { attends: 'school' } },
      family({ children: [child('2015-03-01', 'school')] }),
      true,
    ],
    [
      'a kindergarten child only: no school meals',
      { children: { attends: 'school' } },
      family({ children: [child('2021-03-01', 'kindergarten')] }),
      false,
    ],
    ['no children: no school meals', { children: { attends: 'school' } }, family(), false],
    [
      'a child of 6 (birthday tomorrow): a nanny under 7',
      { children: { maxAge: 6 } },
      family({ children: [child('2019-12-05')] }),
      true,
    ],
    [
      'the same child on its 7th birthday: no nanny',
      { children: { maxAge: 6 } },
      family({ children: [child('2019-12-04')] }),
      false,
    ],
    [
      'a child turning 7 today: first-grader measure',
      { children: { minAge: 7, maxAge: 7 } },
      family({ children: [child('2019-12-04')] }),
      true,
    ],
    [
      'age and institution must hold for the same child',
      { children: { maxAge: 6, attends: 'school' } },
      family({ children: [child('2021-01-01', 'kindergarten'), child('2012-01-01', 'school')] }),
      false,
    ],
    [
      'a child without a birth date meets no age rule',
      { children: { maxAge: 6 } },
      family({ children: [child(null)] }),
      false,
    ],
    [
      'a relative of 70: social worker from 65',
      { relatives: { minAge: 65 } },
      family({ relatives: [{ birthDate: '1956-01-10' }] }),
      true,
    ],
    [
      'a relative of 64: not yet',
      { relatives: { minAge: 65 } },
      family({ relatives: [{ birthDate: '1962-06-01' }] }),
      false,
    ],
    [
      'a relative of unknown age: not eligible',
      { relatives: { minAge: 65 } },
      family({ relatives: [{ birthDate: null }] }),
      false,
    ],
    ['employment unknown: no employment-centre training', { employment: 'unemployed' }, family(), false],
    ['looking for work: training', { employment: 'unemployed' }, family({ employment: 'unemployed' }), true],
    ['district listed', { districts: ['gryazi', 'elets'] }, family(), true],
    ['district not listed', { districts: ['elets'] }, family(), false],
    ['all conditions must hold', { districts: ['gryazi'], children: { attends: 'school' } }, family(), false],
  ];
  it.each(cases)('%s', (_what, rules, facts, expected) => {
    expect(isEligible(rules, facts, today)).toBe(expected);
  });

  it('counts whole years, 29 February included', () => {
    expect(ageOn('2020-02-29', '2027-02-28')).toBe(6);
    expect(ageOn('2020-02-29', '2027-03-01')).toBe(7);
    expect(ageOn(null, today)).toBeUndefined();
  });
});

describe('measures.yaml', () => {
  const good = `
measures:
  - code: school_meals
    title: Бесплатное питание в школе
    gives: Горячее питание в школе бесплатно.
    who: Дети, которые учатся в школе.
    howToGet:
      documents: [Заявление, Справка из военкомата]
      where: Школа
      contacts: Социальный педагог
    validFrom: 2026-09-01
    requestCategory: school_meals
    eligibility:
      children: { attends: school }
`;
  it('reads a good file', () => {
    const parsed = parseMeasuresYaml(good);
    expect(parsed.ok && parsed.measures.map((m) => [m.code, m.validFrom, m.eligibility])).toEqual([
      ['school_meals', '2026-09-01', { children: { attends: 'school' } }],
    ]);
  });

  it('names every bad entry and what is wrong with it', () => {
    const parsed = parseMeasuresYaml(`
measures:
  - code: nanny
    title: Няня
    gives: Присмотр за ребёнком.
    who: Семьи с детьми до 7 лет.
    howToGet: { where: ЦСЗН, contacts: Куратор }
    requestCategory: babysitting
  - code: Bad Code
    title: Психолог
    gives: Консультации.
    who: Все.
    howToGet: { where: Центр, contacts: Куратор }
    requestCategory: psychologist
    eligibility: { children: { maxAge: 200 }, pets: true }
    validFrom: 2026-09-01
    validTo: 2026-01-01
`);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors.some((e) => e.startsWith('measure 1 (nanny): requestCategory:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('measure 2 (Bad Code): code:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('measure 2 (Bad Code): eligibility.children.maxAge:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('measure 2 (Bad Code): eligibility:') && e.includes('pets'))).toBe(
      true,
    );
  });

  it('refuses a file that is not a catalogue', () => {
    expect(parseMeasuresYaml('just: text')).toEqual({
      ok: false,
      errors: ['the file must have `measures:` with at least one entry'],
    });
    expect(parseMeasuresYaml('measures: [').ok).toBe(false);
  });
});
