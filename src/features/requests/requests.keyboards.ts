import { InlineKeyboard } from 'grammy';
import { callbackData, count, id, oneOf } from '../../bot/callback-data.js';
import type { RequestCategory, RequestStatus } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';
import { categoryLabel } from './requests.render.js';

/**
 * Inline buttons of «Мои заявки». Callback data is opaque (`req:<id>:<action>`, `reqs:page:<n>`): ids and codes only, and every press is checked again on the server
 * against the presser's family before anything is shown or changed.
 */

export const requestActions = ['open', 'cancel', 'cancel_yes', 'reopen', 'rate'] as const;
export type RequestAction = (typeof requestActions)[number];

const requestButtons = callbackData('req', {
  act: [id('requestId'), oneOf('action', ['open', 'cancel', 'cancel_yes', 'reopen'])],
  rate: [id('requestId'), 'rate', count('rating', { min: 1, max: 5 })],
});
const requestPageButtons = callbackData('reqs', { page: ['page', count('page', { min: 0, max: 9999 })] });
/** Presses of a request's buttons and of the list's pages. */
export const requestButtonsFilter = [requestButtons.filter, requestPageButtons.filter];

/** A page of «Мои заявки», or undefined. */
export const readRequestsPage = (data: string | undefined) => requestPageButtons.decode(data)?.page;

/** A request's button: the request, the action and, to rate, the stars; undefined for anything else. */
export function readRequestPress(data: string | undefined) {
  const press = requestButtons.decode(data);
  if (!press) return undefined;
  return press.kind === 'rate'
    ? { requestId: press.requestId, action: 'rate' as const, rating: press.rating }
    : { requestId: press.requestId, action: press.action, rating: undefined };
}

export const requestsPageCallback = (page: number) => requestPageButtons.encode('page', { page });

export const requestCallback = (requestId: number, action: RequestAction, rating?: number) =>
  action === 'rate'
    ? requestButtons.encode('rate', { requestId, rating: rating ?? 0 })
    : requestButtons.encode('act', { requestId, action });

export interface RequestListItem {
  id: number;
  number: number;
  category: RequestCategory;
  status: RequestStatus;
}

export function requestsListKeyboard(t: Translate, items: RequestListItem[], page: number, pages: number) {
  const keyboard = new InlineKeyboard();
  for (const item of items) {
    keyboard
      .text(
        t('req-list-button', { number: String(item.number), category: categoryLabel(t, item.category) }),
        requestCallback(item.id, 'open'),
      )
      .row();
  }
  if (page > 0) keyboard.text(t('req-list-previous'), requestsPageCallback(page - 1));
  if (page < pages - 1) keyboard.text(t('req-list-next'), requestsPageCallback(page + 1));
  return keyboard;
}

export function requestCardKeyboard(
  t: Translate,
  request: { id: number },
  can: { cancel: boolean; reopen: boolean; rate: boolean },
) {
  const keyboard = new InlineKeyboard();
  if (can.cancel) keyboard.text(t('req-card-cancel'), requestCallback(request.id, 'cancel')).row();
  if (can.reopen) keyboard.text(t('req-card-reopen'), requestCallback(request.id, 'reopen')).row();
  if (can.rate) appendRatingRow(keyboard, request.id);
  return keyboard.text(t('req-card-back'), requestsPageCallback(0));
}

function appendRatingRow(keyboard: InlineKeyboard, requestId: number) {
  for (let rating = 1; rating <= 5; rating++)
    keyboard.text(`${rating} ⭐`, requestCallback(requestId, 'rate', rating));
  return keyboard.row();
}

export function cancelConfirmKeyboard(t: Translate, requestId: number) {
  return new InlineKeyboard()
    .text(t('req-cancel-yes'), requestCallback(requestId, 'cancel_yes'))
    .text(t('req-cancel-no'), requestCallback(requestId, 'open'));
}

/**
 * The rating question for a resolved request, for whoever sends it (the curator workspace sends it when a
 * curator resolves a request): its text and the 1–5 buttons that this composer handles.
 */
export function ratingPrompt(t: Translate, request: { id: number; number: number }) {
  return {
    text: t('req-rating-question', { number: String(request.number) }),
    reply_markup: appendRatingRow(new InlineKeyboard(), request.id),
  };
}
