import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n.js';
import { curatorButtons, curatorCallback, curatorCardKeyboard } from './curator.keyboards.js';

describe('curator card buttons', () => {
  it('carry an opaque id and action within Telegram’s 64 bytes, and parse back', () => {
    const data = curatorCallback(999_999_999, 'reject');
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(curatorButtons.decode(data)).toEqual({ kind: 'card', requestId: 999_999_999, action: 'reject' });
  });

  it('refuse malformed or unknown data', () => {
    for (const data of [
      'cur:0:take',
      'cur:12:steal',
      'cur:12',
      'cur:abc:take',
      'cur:12:take:1',
      'req:12:open',
    ]) {
      expect(curatorButtons.decode(data), data).toBeUndefined();
    }
  });

  it('offer what the request’s stage allows', () => {
    const t = createI18n().forLanguage('ru');
    const labels = (stage: 'take' | 'work' | 'none') =>
      curatorCardKeyboard(t, 7, stage)
        .inline_keyboard.flat()
        .map((button) => button.text);
    expect(labels('take')).toEqual(['Взять в работу', 'Ответить', 'Карточка семьи']);
    expect(labels('work')).toEqual([
      'Ответить',
      'Ждём ответа семьи',
      'Решена',
      'Отклонить',
      'Карточка семьи',
    ]);
    expect(labels('none')).toEqual(['Карточка семьи']);
  });
});
