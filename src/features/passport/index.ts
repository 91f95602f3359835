/**
 * Front door of passport: the passport's questions, schemas, storage and rendering, which registration
 * (onboarding), the settings and the curator's phone intake reuse; and its composer.
 */
export { createPassportComposer } from './passport.composer.js';
export {
  askApplicantName,
  askChildren,
  askPassport,
  askRelationship,
  askRelatives,
  editDraftField,
} from './passport.questions.js';
export { renderPassport } from './passport.render.js';
export type { StoredPassport } from './passport.repository.js';
export type { PassportDraft, PassportField } from './passport.schemas.js';
export {
  addressSchema,
  fullNameSchema,
  localitySchema,
  passportDraftSchema,
  passportFields,
} from './passport.schemas.js';
export type { PassportOwner } from './passport.usecases.js';
export { addHousehold, loadPassport } from './passport.usecases.js';
