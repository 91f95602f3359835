/**
 * Front door of field: the needs questionnaire a field worker or a curator fills in after a visit or a call
 * (`/field`), whose «нужна помощь» answers become requests found in the field; its figures for /stats.
 */
export { createFieldComposer } from './field.composer.js';
export { fieldStatsText } from './field.render.js';
export { fieldFigures, fieldTopics, saveQuestionnaire } from './field.usecases.js';
