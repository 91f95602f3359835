/**
 * Front door of requests: creating a request (createRequest) and its dialogue's steps, which the curator's
 * phone intake runs on a family's behalf; how requests read (categoryLabel, readableDetails); what a new
 * request takes in from held messages; and its composer.
 */
export { createRequestsComposer } from './requests.composer.js';
export { type Asking, askAll, measureSource, nothingHeld, type Progress } from './requests.conversation.js';
export { fitsNewRequest, heldMessagesOf } from './requests.held.js';
export { ratingPrompt } from './requests.keyboards.js';
export { categoryLabel, readableDetails } from './requests.render.js';
export type { AttachmentInput, detailsSchemas } from './requests.schemas.js';
export { parseRequestDraft } from './requests.schemas.js';
export type { DialogueIo, Draft } from './requests.steps.js';
export { closingSteps, REQUEST_CONVERSATION, stepsOf, summaryText } from './requests.steps.js';
export { createRequest, lockFamilyRequest, passportForRequest } from './requests.usecases.js';
