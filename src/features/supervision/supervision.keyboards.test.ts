import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n.js';
import {
  overdueKeyboard,
  readSupervisionPress,
  supervisionCallback,
  supervisorAlertKeyboard,
} from './supervision.keyboards.js';
import { splitMessages } from './supervision.render.js';

describe('supervisor buttons', () => {
  it('parse back what they encode, within 64 bytes', () => {
    const big = 2_000_000_000;
    const cases = [
      [supervisionCallback.open(12), { kind: 'request', requestId: 12, action: 'open' }],
      [supervisionCallback.reassign(12), { kind: 'request', requestId: 12, action: 'reassign' }],
      [supervisionCallback.family(12), { kind: 'request', requestId: 12, action: 'family' }],
      [supervisionCallback.to(big, big), { kind: 'assign', requestId: big, action: 'to', staffId: big }],
      [supervisionCallback.fam(7, 3), { kind: 'assign', requestId: 7, action: 'fam', staffId: 3 }],
      [supervisionCallback.overdue(2), { kind: 'overdue', page: 2, fresh: false }],
      ['sup:overdue', { kind: 'overdue', page: 0, fresh: true }],
    ] as const;
    for (const [data, expected] of cases) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(readSupervisionPress(data)).toEqual(expected);
    }
  });

  it('refuse malformed data', () => {
    for (const data of [
      'sup:12:steal',
      'sup:0:open',
      'sup:12:to',
      'sup:x:open',
      'cur:12:take',
      'sup:12:open:1',
      `sup:${'9'.repeat(70)}:open`,
    ])
      expect(readSupervisionPress(data), data).toBeUndefined();
  });

  it('an alert offers Открыть · Переназначить; /overdue pages with ‹ and ›', () => {
    const t = createI18n().forLanguage('ru');
    expect(
      supervisorAlertKeyboard(t, 5)
        .inline_keyboard.flat()
        .map((b) => b.text),
    ).toEqual(['Открыть', 'Переназначить']);
    const middle = overdueKeyboard(t, [{ id: 1, number: 1001 }], 1, 3).inline_keyboard.flat();
    expect(middle.map((b) => b.text)).toEqual(['№ 1001', '‹ Назад', 'Дальше ›']);
  });

  it('long statistics are split under Telegram’s 4096 characters, by blocks then lines', () => {
    const block = Array.from({ length: 200 }, (_, i) => `• строка ${i} ${'x'.repeat(30)}`).join('\n');
    const messages = splitMessages(['Итоги', block, 'Конец']);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(3900);
    expect(messages.join('\n')).toContain('• строка 199');
    expect(messages[0]!.startsWith('Итоги')).toBe(true);
  });
});
