import { InlineKeyboard } from 'grammy';
import { callbackData, code } from '../../bot/callback-data.js';
import type { Translate } from '../../i18n.js';
import type { MeasureRow } from './support-measures.repository.js';

/**
 * «Меры поддержки» buttons: the list, a measure, «Хочу оформить». Codes only; the measure is looked up
 * again, and the request is the presser's own family's.
 */
const measureButtons = callbackData('sm', {
  list: ['list'],
  measure: [code('code')],
  start: [code('code'), 'req'],
});

export const measureButtonsFilter = measureButtons.filter;

export function readMeasurePress(data: string | undefined) {
  const press = measureButtons.decode(data);
  if (!press) return undefined;
  return press.kind === 'list'
    ? { kind: 'list' as const }
    : { kind: 'measure' as const, code: press.code, startRequest: press.kind === 'start' };
}

export const measureCallback = {
  list: measureButtons.encode('list'),
  measure: (code: string) => measureButtons.encode('measure', { code }),
  startRequest: (code: string) => measureButtons.encode('start', { code }),
};

/** One button a measure, eligible ones first. */
export function measuresKeyboard(list: MeasureRow[]) {
  const keyboard = new InlineKeyboard();
  for (const measure of list) keyboard.text(measure.title, measureCallback.measure(measure.code)).row();
  return keyboard;
}

/** Under a measure: «Хочу оформить» (unless received already) and back to the list. */
export function measureKeyboard(t: Translate, measure: MeasureRow, received: boolean) {
  const keyboard = new InlineKeyboard();
  if (!received) keyboard.text(t('sm-start-request'), measureCallback.startRequest(measure.code)).row();
  return keyboard.text(t('sm-back'), measureCallback.list);
}
