import { InlineKeyboard } from 'grammy';
import { callbackData, id, oneOf } from '../../bot/callback-data.js';
import { isWaitingToBeTaken } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';

/**
 * Buttons of the curator's request card. Callback data is opaque (`cur:<requestId>:<action>`, well under
 * Telegram's 64 bytes) and every press is checked again on the server against the presser's role and scope.
 */
/** `reply` and `wait` (ask the family a question) are handled by the relay (features/relay). */
export const curatorActions = ['take', 'reply', 'wait', 'resolve', 'reject', 'family'] as const;
export type CuratorAction = (typeof curatorActions)[number];

export const curatorButtons = callbackData('cur', {
  card: [id('requestId'), oneOf('action', curatorActions)],
});

export const curatorCallback = (requestId: number, action: CuratorAction) =>
  curatorButtons.encode('card', { requestId, action });

/**
 * `take`: the card of a request waiting to be taken. `work`: a request in work — its status buttons.
 * `waiting`: in work and already waiting for the family — the same, without «Ждём ответа семьи».
 * `none`: a closed request, no buttons.
 */
export type CardStage = 'take' | 'work' | 'waiting' | 'none';

/** The buttons a request's status allows on its card. */
export const cardStageOf = (status: string): CardStage =>
  isWaitingToBeTaken(status)
    ? 'take'
    : status === 'in_progress'
      ? 'work'
      : status === 'waiting_family'
        ? 'waiting'
        : 'none';

export function curatorCardKeyboard(t: Translate, requestId: number, stage: CardStage) {
  const keyboard = new InlineKeyboard();
  if (stage === 'take') keyboard.text(t('cur-button-take'), curatorCallback(requestId, 'take')).row();
  if (stage !== 'none') keyboard.text(t('relay-button-reply'), curatorCallback(requestId, 'reply')).row();
  if (stage === 'work') keyboard.text(t('relay-button-wait'), curatorCallback(requestId, 'wait')).row();
  if (stage === 'work' || stage === 'waiting') {
    keyboard
      .text(t('cur-button-resolve'), curatorCallback(requestId, 'resolve'))
      .row()
      .text(t('cur-button-reject'), curatorCallback(requestId, 'reject'))
      .row();
  }
  return keyboard.text(t('cur-button-family'), curatorCallback(requestId, 'family'));
}
