import { z } from 'zod';
import { childInstitutions } from '../../db/schema/enums.js';

/**
 * Who a measure is for, as rules over the social passport. Every condition given must hold; a measure
 * without conditions is for every family. A condition about people holds when at least one of them meets
 * all of its parts; a person whose age the passport does not tell meets no age part.
 */
const age = z.number().int().min(0).max(120);
export const eligibilitySchema = z.strictObject({
  /** At least one child of these ages (whole years, both ends included) going to this institution. */
  children: z
    .strictObject({
      minAge: age.optional(),
      maxAge: age.optional(),
      attends: z.enum(childInstitutions).optional(),
    })
    .optional(),
  /** At least one relative in the household of this age or older. */
  relatives: z.strictObject({ minAge: age }).optional(),
  /** The applicant works or is looking for work (not asked by the passport yet: unknown matches nothing). */
  employment: z.enum(['employed', 'unemployed']).optional(),
  /** The family lives in one of these districts (their codes). */
  districts: z.array(z.string().min(1)).min(1).optional(),
});
export type Eligibility = z.infer<typeof eligibilitySchema>;

/** What the rules read of a family's passport. */
export interface PassportFacts {
  districtCode: string;
  children: Array<{ birthDate: string | null; institution: (typeof childInstitutions)[number] | null }>;
  relatives: Array<{ birthDate: string | null }>;
  employment?: 'employed' | 'unemployed';
}

/** Whole years from `birthDate` to `today` (ISO dates); undefined when the birth date is unknown. */
export function ageOn(birthDate: string | null, today: string): number | undefined {
  if (!birthDate) return undefined;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

function inRange(value: number | undefined, min?: number, max?: number): boolean {
  if (min === undefined && max === undefined) return true;
  if (value === undefined) return false;
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/** Whether a family with these passport facts is eligible on `today` (the region's date). */
export function isEligible(rules: Eligibility, facts: PassportFacts, today: string): boolean {
  const { children, relatives, employment, districts } = rules;
  if (districts && !districts.includes(facts.districtCode)) return false;
  if (employment && facts.employment !== employment) return false;
  if (
    children &&
    !facts.children.some(
      (child) =>
        inRange(ageOn(child.birthDate, today), children.minAge, children.maxAge) &&
        (!children.attends || child.institution === children.attends),
    )
  ) {
    return false;
  }
  if (relatives && !facts.relatives.some((r) => inRange(ageOn(r.birthDate, today), relatives.minAge))) {
    return false;
  }
  return true;
}
