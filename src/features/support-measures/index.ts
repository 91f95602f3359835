/**
 * Front door of support-measures: the catalogue in PostgreSQL (imported by admins), eligibility over the
 * social passport, the family's «Меры поддержки», offers of newly eligible measures, coverage for /stats.
 */

export { createSupportMeasuresComposer } from './support-measures.composer.js';
export { measureCallback } from './support-measures.keyboards.js';
export { supportMeasuresNotifications } from './support-measures.notifications.js';
export type { MeasureRow } from './support-measures.repository.js';
export type { Eligibility, PassportFacts } from './support-measures.rules.js';
export { ageOn, isEligible } from './support-measures.rules.js';
export type { DistrictCoverage, FamilyMeasures } from './support-measures.usecases.js';
export {
  familyMeasures,
  importMeasures,
  listMeasures,
  measureByCode,
  measuresCoverage,
  offerNewlyEligibleMeasures,
} from './support-measures.usecases.js';
