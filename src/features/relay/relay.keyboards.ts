import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { RequestCategory } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';

/**
 * Relay buttons. Callback data is opaque and short: `rly:to:<requestId>` (a family member writes about a
 * request; 0 is a general question), `rly:re:<messageId>` (a curator answers a relayed message),
 * `rly:cancel`. Every press is checked again on the server.
 */
export const relayCallback = {
  toRequest: (requestId: number) => `rly:to:${requestId}`,
  replyTo: (messageId: number) => `rly:re:${messageId}`,
  cancel: 'rly:cancel',
} as const;

export const relayCallbackSchema = z.union([
  z.literal('rly:cancel').transform(() => ({ action: 'cancel' as const, id: 0 })),
  z
    .string()
    .regex(/^rly:(to|re):\d{1,15}$/)
    .transform((data) => {
      const [, action, id] = data.split(':');
      return { action: action as 'to' | 're', id: Number(id) };
    })
    .pipe(
      z.object({
        action: z.enum(['to', 're']),
        id: z
          .number()
          .int()
          .nonnegative()
          .max(2 ** 53),
      }),
    ),
]);

export const cancelKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('relay-button-cancel'), relayCallback.cancel);

/** «Написать куратору»: one button per open request of the family, then «Общий вопрос». */
export function chooseTopicKeyboard(
  t: Translate,
  openRequests: Array<{ id: number; number: number; category: RequestCategory }>,
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
  return keyboard.text(t('relay-topic-general'), relayCallback.toRequest(0));
}

/**
 * Where held messages go (relay.held.ts): `hold:r:<requestId>` a request of the family, `hold:g` a general
 * question, `hold:n` a new request. Checked again on the server.
 */
export const heldCallbackSchema = z
  .string()
  .regex(/^hold:(r:\d{1,15}|g|n)$/)
  .transform((data) => {
    const [, kind, id] = data.split(':');
    if (kind === 'g') return { kind: 'general' as const };
    if (kind === 'n') return { kind: 'new' as const };
    return { kind: 'request' as const, requestId: Number(id) };
  });

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
        `hold:r:${request.id}`,
      )
      .row();
  }
  keyboard.text(t('relay-held-general'), 'hold:g');
  if (options.newRequest) keyboard.row().text(t('relay-held-new'), 'hold:n');
  return keyboard;
}
