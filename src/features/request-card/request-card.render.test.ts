import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n.js';
import { fileGroups } from './request-card.files.js';
import { consultationLine, filesSummary, fullDetailsMessages } from './request-card.render.js';

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

  it('says where the consultation stands in good Russian, and nothing when there is none', () => {
    const startsAt = new Date('2026-12-10T12:00:00Z');
    const line = (status: 'booked' | 'held' | 'no_show' | 'cancelled') =>
      consultationLine(t, 'Europe/Moscow', { consultation: { status, startsAt } });
    expect(line('booked')).toEqual(['🗓 Консультация психолога назначена на 10.12.2026, 15:00.']);
    expect(line('held')).toEqual(['🗓 Консультация психолога состоялась 10.12.2026, 15:00.']);
    expect(line('no_show')).toEqual(['🗓 Консультация психолога на 10.12.2026, 15:00: семья не пришла.']);
    expect(line('cancelled')).toEqual(['🗓 Консультация психолога на 10.12.2026, 15:00 отменена.']);
    expect(consultationLine(t, 'Europe/Moscow', { consultation: null })).toEqual([]);
  });
});
