import { InlineKeyboard } from 'grammy';
import { callbackData, count, id, oneOf } from '../../bot/callback-data.js';
import type { Translate } from '../../i18n.js';
import { nextRow } from '../request-card/index.js';

/**
 * Buttons of the curator's tools. Callback data is opaque and short (`my:p:<page>`, `my:r:<requestId>`,
 * `fam:<familyId>:<action>`); every press is checked again on the server against the presser's role and scope.
 */
export const myButtons = callbackData('my', {
  page: ['p', count('page', { min: 0, max: 999_999_999 })],
  request: ['r', id('requestId')],
});

export const familyActions = ['card', 'measure', 'request'] as const;
export type FamilyAction = (typeof familyActions)[number];

export const familyButtons = callbackData('fam', {
  family: [id('familyId'), oneOf('action', familyActions)],
});

export const familyCallback = (familyId: number, action: FamilyAction) =>
  familyButtons.encode('family', { familyId, action });

export function myListKeyboard(
  items: { id: number; label: string }[],
  page: number,
  pages: number,
  t: Translate,
) {
  const keyboard = new InlineKeyboard();
  for (const item of items)
    keyboard.text(item.label, myButtons.encode('request', { requestId: item.id })).row();
  if (page > 0) keyboard.text(t('ct-page-previous'), myButtons.encode('page', { page: page - 1 }));
  if (page < pages - 1) keyboard.text(t('ct-page-next'), myButtons.encode('page', { page: page + 1 }));
  return keyboard;
}

export function familyListKeyboard(items: { familyId: number; label: string }[]) {
  const keyboard = new InlineKeyboard();
  for (const item of items) keyboard.text(item.label, familyCallback(item.familyId, 'card')).row();
  return keyboard;
}

/**
 * Under a family card, a button per listed request (two a row): it opens the request's card, as /my
 * does — all the family's answers, «Показать полностью» and the files.
 */
export function addOpenRequestButtons(
  keyboard: InlineKeyboard,
  t: Translate,
  requests: Array<{ id: number; number: number }>,
) {
  requests.forEach((request, index) => {
    if (index % 2 === 0) nextRow(keyboard);
    keyboard.text(
      t('ct-button-open-request', { number: String(request.number) }),
      myButtons.encode('request', { requestId: request.id }),
    );
  });
  return keyboard;
}

/**
 * Under a family card: its requests to open, record a measure; for a family reached by phone, a curator
 * can also make a request for it.
 */
export function familyCardKeyboard(
  t: Translate,
  familyId: number,
  options: { offerRequest: boolean; requests?: Array<{ id: number; number: number }> },
) {
  const keyboard = addOpenRequestButtons(new InlineKeyboard(), t, options.requests ?? []);
  nextRow(keyboard).text(t('ct-button-record-measure'), familyCallback(familyId, 'measure'));
  if (options.offerRequest) keyboard.row().text(t('ct-button-request'), familyCallback(familyId, 'request'));
  return keyboard;
}
