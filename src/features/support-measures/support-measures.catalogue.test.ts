import { describe, expect, it } from 'vitest';
import {
  loadSupportMeasuresCatalogues,
  parseSupportMeasuresCatalogue,
} from './support-measures.catalogue.js';

describe('support measures catalogue', () => {
  it('loads the repository content in both languages with the same measures', () => {
    const catalogues = loadSupportMeasuresCatalogues();
    expect(catalogues.ru.measures.map((m) => m.code)).toEqual(catalogues.en.measures.map((m) => m.code));
    expect(catalogues.ru.measures.map((m) => m.title)).toContain('Дети');
    // General wording only: no sums of money or article numbers invented in the content.
    for (const measure of catalogues.ru.measures) {
      expect(`${measure.summary} ${measure.details}`).not.toMatch(/\d{3,}|руб|₽|стат/i);
    }
  });

  it('refuses a broken edit', () => {
    expect(() =>
      parseSupportMeasuresCatalogue({ version: 1, note: 'x', measures: [{ code: 'payments', title: '' }] }),
    ).toThrow();
  });
});
