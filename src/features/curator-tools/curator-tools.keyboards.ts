import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { Translate } from '../../i18n.js';
import { nextRow } from '../request-card/request-card.keyboards.js';

/**
 * Buttons of the curator's tools. Callback data is opaque and short (`my:p:<page>`, `my:r:<requestId>`,
 * `fam:<familyId>:<action>`); every press is checked again on the server against the presser's role and scope.
 */
export const myCallbackSchema = z
  .string()
  .regex(/^my:[pr]:\d{1,9}$/)
  .transform((data) => {
    const [, kind, id] = data.split(':');
    return kind === 'p'
      ? ({ kind: 'page', page: Number(id) } as const)
      : ({ kind: 'request', requestId: Number(id) } as const);
  });

export const familyActions = ['card', 'measure', 'request'] as const;
export type FamilyAction = (typeof familyActions)[number];

export const familyCallbackSchema = z
  .string()
  .regex(/^fam:\d{1,9}:[a-z]{2,12}$/)
  .transform((data) => {
    const [, id, action] = data.split(':');
    return { familyId: Number(id), action };
  })
  .pipe(z.object({ familyId: z.number().int().positive(), action: z.enum(familyActions) }));

export const familyCallback = (familyId: number, action: FamilyAction) => `fam:${familyId}:${action}`;

export function myListKeyboard(
  items: { id: number; label: string }[],
  page: number,
  pages: number,
  t: Translate,
) {
  const keyboard = new InlineKeyboard();
  for (const item of items) keyboard.text(item.label, `my:r:${item.id}`).row();
  if (page > 0) keyboard.text(t('ct-page-previous'), `my:p:${page - 1}`);
  if (page < pages - 1) keyboard.text(t('ct-page-next'), `my:p:${page + 1}`);
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
    keyboard.text(t('ct-button-open-request', { number: String(request.number) }), `my:r:${request.id}`);
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
