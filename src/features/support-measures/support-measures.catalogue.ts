import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { requestCategories } from '../../db/schema/enums.js';
import { eligibilitySchema } from './support-measures.rules.js';

/**
 * One measure of the catalogue as an admin writes it in `measures.yaml` (README, «Support measures»):
 * checked by zod before anything is saved, so a broken entry is named and nothing half-imported.
 */
const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
export const measureEntrySchema = z
  .strictObject({
    code: z.string().regex(/^[a-z_]{2,24}$/, { error: 'code must be 2–24 of a-z and _' }),
    title: z.string().trim().min(2).max(60),
    gives: z.string().trim().min(2).max(400),
    who: z.string().trim().min(2).max(300),
    howToGet: z.strictObject({
      documents: z.array(z.string().trim().min(2).max(200)).max(15).default([]),
      where: z.string().trim().min(2).max(300),
      contacts: z.string().trim().min(2).max(300),
    }),
    validFrom: isoDate.optional(),
    validTo: isoDate.optional(),
    requestCategory: z.enum(requestCategories),
    eligibility: eligibilitySchema.default({}),
  })
  .refine((m) => !m.validFrom || !m.validTo || m.validFrom <= m.validTo, {
    error: 'validTo is before validFrom',
  });
export type MeasureEntry = z.infer<typeof measureEntrySchema>;

export type CatalogueParse = { ok: true; measures: MeasureEntry[] } | { ok: false; errors: string[] };

const label = (entry: unknown, index: number) => {
  const code = (entry as { code?: unknown } | null)?.code;
  return `measure ${index + 1}${typeof code === 'string' ? ` (${code})` : ''}`;
};

/** Reads `measures.yaml` (`measures:` a list of entries): every entry checked, every bad one named. */
export function parseMeasuresYaml(text: string): CatalogueParse {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return { ok: false, errors: [`not YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const list = (document as { measures?: unknown } | null)?.measures;
  if (!Array.isArray(list) || list.length === 0) {
    return { ok: false, errors: ['the file must have `measures:` with at least one entry'] };
  }
  const errors: string[] = [];
  const measures: MeasureEntry[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const parsed = measureEntrySchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push(`${label(entry, index)}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
      }
      return;
    }
    if (seen.has(parsed.data.code)) errors.push(`${label(entry, index)}: code is used twice`);
    seen.add(parsed.data.code);
    measures.push(parsed.data);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, measures };
}
