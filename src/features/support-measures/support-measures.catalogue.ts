import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type Language, languages, requestCategories } from '../../db/schema/enums.js';

/**
 * The «Меры поддержки» catalogue: content files in this folder (one per language), checked by zod when
 * loaded so a broken edit stops the start-up instead of showing a half-empty screen to a family.
 */
const measureSchema = z.strictObject({
  code: z.string().regex(/^[a-z_]{2,24}$/),
  title: z.string().min(1).max(60),
  summary: z.string().min(1).max(200),
  details: z.string().min(1).max(800),
  /** The request dialogue that fits this measure: «Оформить заявку» opens it. */
  requestCategory: z.enum(requestCategories),
});

const catalogueSchema = z
  .strictObject({
    version: z.literal(1),
    note: z.string().min(1).max(400),
    measures: z.array(measureSchema).min(1).max(20),
  })
  .refine((catalogue) => new Set(catalogue.measures.map((m) => m.code)).size === catalogue.measures.length, {
    error: 'measure codes must be unique',
  });

export type SupportMeasure = z.infer<typeof measureSchema>;
export type SupportMeasuresCatalogue = z.infer<typeof catalogueSchema>;

export function parseSupportMeasuresCatalogue(json: unknown): SupportMeasuresCatalogue {
  return catalogueSchema.parse(json);
}

/** Loads and checks every language's catalogue; every language must list the same measures. */
export function loadSupportMeasuresCatalogues(
  directory = new URL('./', import.meta.url),
): Record<Language, SupportMeasuresCatalogue> {
  const entries = languages.map((language) => {
    const file = new URL(`catalogue.${language}.json`, directory);
    try {
      return [language, parseSupportMeasuresCatalogue(JSON.parse(readFileSync(file, 'utf8')))] as const;
    } catch (error) {
      throw new Error(`support measures catalogue ${file.pathname}: ${(error as Error).message}`);
    }
  });
  const catalogues = Object.fromEntries(entries) as Record<Language, SupportMeasuresCatalogue>;
  const codes = (language: Language) => catalogues[language].measures.map((m) => m.code).join(',');
  for (const language of languages) {
    if (codes(language) !== codes('ru')) {
      throw new Error(`support measures catalogue: ${language} lists other measures than ru`);
    }
  }
  return catalogues;
}
