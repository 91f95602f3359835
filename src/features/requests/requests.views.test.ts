import { describe, expect, it } from 'vitest';
import type { Request } from '../../db/schema/requests.js';
import { createI18n } from '../../i18n.js';
import { cardText } from './requests.views.js';

describe("the family's card of a request («Мои заявки»)", () => {
  const t = createI18n().forLanguage('ru');
  const request = {
    number: 1042,
    category: 'other',
    priority: 'normal',
    status: 'in_progress',
    createdAt: new Date('2026-11-20T09:00:00Z'),
    rating: null,
    details: { text: `${'Нужно наколоть дрова на зиму. '.repeat(66)}КОНЕЦ`, comment: 'к'.repeat(1000) },
  } as unknown as Request;
  const events = Array.from({ length: 12 }, (_, i) => ({
    type: 'message' as const,
    data: {},
    actorKind: 'staff',
    staffName: 'Анна Петрова',
    createdAt: new Date(Date.UTC(2026, 10, 20, 10, i)),
  }));
  const messages = Array.from({ length: 5 }, (_, i) => ({
    kind: 'text' as const,
    text: `Ответ куратора ${i}: ${'подробно '.repeat(60)}`,
    staffName: 'Анна Петрова',
    createdAt: new Date(Date.UTC(2026, 10, 20, 11, i)),
  }));

  it('stays within 4,096 characters with long answers, a history and the curator’s messages, and says what it shortened', () => {
    const text = cardText(t, 'ru', 'Europe/Moscow', request, {
      events: events as never,
      messages: messages as never,
      attachments: 2,
      curatorName: 'Анна Петрова',
    });
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain('Запрос: Нужно наколоть дрова');
    expect(text).not.toContain('КОНЕЦ');
    expect(text).toContain('✂️ Длинные ответы здесь сокращены (где «…»).');
    expect(text).toContain('Файлов приложено: 2');
    expect(text).toContain('Ответ куратора 4');
  });
});
