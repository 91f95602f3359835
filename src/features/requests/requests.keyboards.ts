import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { RequestCategory, RequestStatus } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';
import { categoryLabel } from './requests.render.js';

/**
 * Inline buttons of «Мои заявки» and «Меры поддержки». Callback data is opaque (`req:<id>:<action>`,
 * `reqs:page:<n>`, `sm:<code>[:req]`): ids and codes only, and every press is checked again on the server
 * against the presser's family before anything is shown or changed.
 */

export const requestActions = ['open', 'cancel', 'cancel_yes', 'reopen', 'rate'] as const;
export type RequestAction = (typeof requestActions)[number];

export const requestCallbackSchema = z
  .string()
  .regex(/^req:\d{1,9}:[a-z_]{2,12}(:[1-5])?$/)
  .transform((data) => {
    const [, id, action, rating] = data.split(':');
    return { requestId: Number(id), action, rating: rating === undefined ? undefined : Number(rating) };
  })
  .pipe(
    z.object({
      requestId: z.number().int().positive(),
      action: z.enum(requestActions),
      rating: z.number().int().min(1).max(5).or(z.undefined()),
    }),
  )
  .refine((value) => (value.action === 'rate') === (value.rating !== undefined), {
    error: 'rating with rate only',
  });

export const requestsPageCallbackSchema = z
  .string()
  .regex(/^reqs:page:\d{1,4}$/)
  .transform((data) => Number(data.split(':')[2]));

export const supportMeasureCallbackSchema = z
  .string()
  .regex(/^sm:(list|[a-z_]{2,24}(:req)?)$/)
  .transform((data) => {
    const [, code, request] = data.split(':');
    return code === 'list'
      ? { kind: 'list' as const }
      : { kind: 'measure' as const, code: code!, startRequest: request === 'req' };
  });

export const requestCallback = (requestId: number, action: RequestAction, rating?: number) =>
  `req:${requestId}:${action}${rating === undefined ? '' : `:${rating}`}`;

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
  if (page > 0) keyboard.text(t('req-list-previous'), `reqs:page:${page - 1}`);
  if (page < pages - 1) keyboard.text(t('req-list-next'), `reqs:page:${page + 1}`);
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
  return keyboard.text(t('req-card-back'), 'reqs:page:0');
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
