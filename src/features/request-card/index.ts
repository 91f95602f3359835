/**
 * Front door of request-card: a request the way staff read it — its text, its files after it, the
 * «Показать полностью» button, the family card's request blocks — and cards shown outside delivery.
 */
export {
  attachmentNotifications,
  filesAfterCard,
  routeShownCardFiles,
  sendFilesWithShownCard,
} from './request-card.files.js';
export { fullDetailsButtons, nextRow, withFullDetailsButton } from './request-card.keyboards.js';
export type { CardFrame } from './request-card.render.js';
export {
  FAMILY_CARD_DETAILS_BUDGET,
  familyRequestBlocks,
  fullDetailsMessages,
} from './request-card.render.js';
export {
  latestRequestsOfFamily,
  recordDetailsView,
  recordShownCard,
  requestCardText,
  shownCardKind,
} from './request-card.usecases.js';
