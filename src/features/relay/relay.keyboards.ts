import { InlineKeyboard } from 'grammy';
import { bigId, callbackData, count, id } from '../../bot/callback-data.js';
import type { RequestCategory } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';

/**
 * Relay buttons. Callback data is opaque and short: `rly:to:<requestId>` (a family member writes about a
 * request; 0 is a general question), `rly:re:<messageId>` (a curator answers a relayed message),
 * `rly:cancel`. Every press is checked again on the server.
 */
const relayButtons = callbackData('rly', {
  cancel: ['cancel'],
  to: ['to', count('id', { min: 0, max: 2_147_483_647 })],
  re: ['re', bigId('id')],
});

export const relayButtonsFilter = relayButtons.filter;

export const relayCallback = {
  toRequest: (requestId: number) => relayButtons.encode('to', { id: requestId }),
  replyTo: (messageId: number) => relayButtons.encode('re', { id: messageId }),
  cancel: relayButtons.encode('cancel'),
} as const;

/** A relay press: what it asks and the id it carries (0 with `cancel`), or undefined for anything else. */
export function readRelayPress(data: string | undefined) {
  const press = relayButtons.decode(data);
  if (!press) return undefined;
  return press.kind === 'cancel'
    ? { action: 'cancel' as const, id: 0 }
    : { action: press.kind, id: press.id };
}

export const cancelKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('relay-button-cancel'), relayCallback.cancel);

/** «Написать куратору»: one button per open request of the family, then «Общий вопрос». */
export function chooseTopicKeyboard(
  t: Translate,
  openRequests: Array<{ id: number; number: number; category: RequestCategory }>,
  /** «Общий вопрос»: only while someone can get it (a curator, or a supervisor routing names). */
  { general }: { general: boolean } = { general: true },
) {
  const keyboard = new InlineKeyboard();
  for (const request of openRequests) {
    keyboard
      .text(
        t('relay-topic-request', {
          number: String(request.number),
          category: t('delivery-category', { category: request.category }),
        }),
        relayCallback.toRequest(request.id),
      )
      .row();
  }
  return general ? keyboard.text(t('relay-topic-general'), relayCallback.toRequest(0)) : keyboard;
}

/**
 * Where held messages go (relay.held.ts): `hold:r:<requestId>` a request of the family, `hold:g` a general
 * question, `hold:n` a new request. Checked again on the server.
 */
const heldButtons = callbackData('hold', {
  request: ['r', id('requestId')],
  general: ['g'],
  new: ['n'],
});

export const heldButtonsFilter = heldButtons.filter;
export const readHeldPress = heldButtons.decode;

export function heldChoiceKeyboard(
  t: Translate,
  openRequests: Array<{ id: number; number: number; category: RequestCategory }>,
  options: { newRequest: boolean },
) {
  const keyboard = new InlineKeyboard();
  for (const request of openRequests) {
    keyboard
      .text(
        t('relay-topic-request', {
          number: String(request.number),
          category: t('delivery-category', { category: request.category }),
        }),
        heldButtons.encode('request', { requestId: request.id }),
      )
      .row();
  }
  keyboard.text(t('relay-held-general'), heldButtons.encode('general'));
  if (options.newRequest) keyboard.row().text(t('relay-held-new'), heldButtons.encode('new'));
  return keyboard;
}
