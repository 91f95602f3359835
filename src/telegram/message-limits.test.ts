import { describe, expect, it } from 'vitest';
import { fitBlocks, splitText } from './message-limits.js';

const note = '✂️ сокращено';

describe('fitting a card into one message', () => {
  it('leaves a card that fits as it is', () => {
    const fitted = fitBlocks(
      ['Заявка № 1', { title: 'Ответы:', lines: [{ label: 'Тема', value: 'Жильё' }] }],
      {
        note,
        detailsBudget: 100,
      },
    );
    expect(fitted).toEqual({ text: 'Заявка № 1\n\nОтветы:\nТема: Жильё', shortened: false });
  });

  it('shortens the longest answers first, keeps the short ones whole, and says so under the answers', () => {
    const long = 'слово '.repeat(300).trim();
    const fitted = fitBlocks(
      [
        'Заявка № 1',
        {
          title: 'Ответы:',
          lines: [
            { label: 'Для кого', value: 'Для заявителя' },
            { label: 'Описание', value: long },
            { label: 'Комментарий', value: long },
          ],
        },
        'История: …',
      ],
      { note, detailsBudget: 1000 },
    );
    expect(fitted.shortened).toBe(true);
    const lines = fitted.text.split('\n');
    expect(lines).toContain('Для кого: Для заявителя');
    const shortened = lines.filter((line) => line.endsWith('…') && !line.startsWith('История'));
    expect(shortened).toHaveLength(2);
    // Two answers share the room evenly, each cut at a word.
    for (const line of shortened) {
      const value = line.slice(line.indexOf(': ') + 2, -1);
      expect(long.startsWith(value)).toBe(true);
      expect(value.length).toBeGreaterThan(400);
      expect(value.length).toBeLessThanOrEqual(500);
    }
    expect(fitted.text.endsWith(`${note}\n\nИстория: …`)).toBe(true);
  });

  it('never goes over 4,096 characters: a history too long is cut at a line, with «…» and the note', () => {
    const history = Array.from(
      { length: 200 },
      (_, i) => `01.12.2026, 10:${String(i % 60).padStart(2, '0')} — сообщение`,
    ).join('\n');
    const fitted = fitBlocks(
      ['Заявка № 1', { lines: [{ label: 'Запрос', value: 'дрова '.repeat(400) }] }, history],
      { note, detailsBudget: 2000 },
    );
    expect(fitted.shortened).toBe(true);
    expect(fitted.text.length).toBeLessThanOrEqual(4096);
    expect(fitted.text.endsWith(`\n…\n\n${note}`)).toBe(true);
  });
});

describe('splitting a long text as Telegram does', () => {
  it('cuts at a line break before a space, and never inside an emoji', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `строка ${i} ${'x'.repeat(80)}`).join('\n');
    const parts = splitText(lines);
    expect(parts.every((part) => part.length <= 4096)).toBe(true);
    expect(parts.join('\n')).toBe(lines);
    const emoji = `${'a'.repeat(4095)}😀${'b'.repeat(10)}`;
    const cut = splitText(emoji);
    expect(cut.join('')).toBe(emoji);
    expect(cut[0]).toBe('a'.repeat(4095));
  });
});
