import type { InlineKeyboard } from 'grammy';
import { callbackData, id } from '../../bot/callback-data.js';
import type { Translate } from '../../i18n.js';

/**
 * «Показать полностью» under a card whose answers were shortened: `det:<requestId>`, opaque and short;
 * every press is checked again on the server against the presser's rights (features/curator).
 */
export const fullDetailsButtons = callbackData('det', { request: [id('requestId')] });

export const fullDetailsCallback = (requestId: number) => fullDetailsButtons.encode('request', { requestId });

/** Starts a new row of buttons unless the last one is still empty (Telegram shows no empty rows). */
export function nextRow(keyboard: InlineKeyboard): InlineKeyboard {
  return (keyboard.inline_keyboard.at(-1)?.length ?? 0) > 0 ? keyboard.row() : keyboard;
}

/** Adds «Показать полностью» on a row of its own under the card's buttons, when its answers were shortened. */
export function withFullDetailsButton(
  keyboard: InlineKeyboard,
  t: Translate,
  requestId: number,
  shortened: boolean,
): InlineKeyboard {
  return shortened ? nextRow(keyboard).text(t('card-button-full'), fullDetailsCallback(requestId)) : keyboard;
}
