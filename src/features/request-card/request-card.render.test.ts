import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n.js';
import { splitText } from '../../telegram/message-limits.js';
import { fileGroups } from './request-card.files.js';
import { filesSummary, fitBlocks, fullDetailsMessages } from './request-card.render.js';

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

describe('the pieces of a card', () => {
  const t = createI18n().forLanguage('ru');

  it('says what the family attached in good Russian', () => {
    expect(filesSummary(t, [{ kind: 'photo' }, { kind: 'document' }])).toBe('1 фото, 1 документ');
    expect(filesSummary(t, [{ kind: 'document' }, { kind: 'document' }, { kind: 'photo' }])).toBe(
      '1 фото, 2 документа',
    );
    expect(
      filesSummary(
        t,
        Array.from({ length: 5 }, () => ({ kind: 'document' as const })),
      ),
    ).toBe('5 документов');
  });

  it('sends photos as albums of at most ten, every document on its own, in the order sent', () => {
    const files = [
      ...Array.from({ length: 12 }, (_, i) => ({ id: i + 1, kind: 'photo' as const })),
      { id: 13, kind: 'document' as const },
      { id: 14, kind: 'document' as const },
    ];
    expect(fileGroups(files)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12], [13], [14]]);
  });

  it('gives the whole answers in messages within the limit, nothing left out', () => {
    const text = `${'Очень длинное описание. '.repeat(190)}Конец.`;
    const messages = fullDetailsMessages(t, {
      number: 1042,
      category: 'other',
      details: { text: text.slice(0, 2000), comment: 'Коротко' },
    });
    expect(messages[0]).toMatch(/^Заявка № 1042 · Другое — ответы семьи полностью:\n\nЗапрос: Очень/);
    expect(messages.join('\n')).toContain(text.slice(0, 2000).trim());
    expect(messages.join('\n')).toContain('Комментарий: Коротко');
    expect(fullDetailsMessages(t, { number: 1, category: 'legal', details: {} })).toEqual([
      'Заявка № 1 · Юридическая помощь — ответы семьи полностью:\n\nПодробности заявки сейчас недоступны.',
    ]);
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
