import { InlineKeyboard } from 'grammy';
import { callbackData, id, oneOf } from '../../bot/callback-data.js';
import type { Translate } from '../../i18n.js';
import { type CallOutcome, callOutcomes, checkInAnswers } from './check-ins.schemas.js';

/**
 * `ci:<check-in>:<answer>`: the family's quick answers; `cc:<check-in>:menu|<outcome>`: the curator's two
 * taps on a call task. Ids only; the family and the curator's access are checked again on the server.
 */
export const answerButtons = callbackData('ci', {
  answer: [id('checkInId'), oneOf('answer', checkInAnswers)],
});
export const callButtons = callbackData('cc', {
  menu: [id('checkInId'), 'menu'],
  outcome: [id('checkInId'), oneOf('outcome', callOutcomes)],
});

export function answersKeyboard(t: Translate, checkInId: number) {
  const keyboard = new InlineKeyboard();
  for (const answer of checkInAnswers) {
    keyboard.text(t('ci-answer', { answer }), answerButtons.encode('answer', { checkInId, answer })).row();
  }
  return keyboard;
}

/** Under a call task: the first tap. */
export const callTaskKeyboard = (t: Translate, checkInId: number) =>
  new InlineKeyboard().text(t('ci-button-outcome'), callButtons.encode('menu', { checkInId }));

/** The second tap: what the call came to. */
export function outcomesKeyboard(t: Translate, checkInId: number) {
  const keyboard = new InlineKeyboard();
  for (const outcome of callOutcomes) {
    keyboard.text(t('ci-outcome', { outcome }), callButtons.encode('outcome', { checkInId, outcome })).row();
  }
  return keyboard;
}

export const outcomeLabel = (t: Translate, outcome: CallOutcome) => t('ci-outcome', { outcome });
