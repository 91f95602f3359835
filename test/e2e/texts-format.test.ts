import { describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { routedRequest } from '../helpers/routed-request.js';

/**
 * Formatting people read (issue 13 §6): one request number shape everywhere («№ 1002», never «№ 1 002»), the
 * consent version as its text names it, the region's time in words instead of a raw zone id.
 */
const bot = useE2E();

describe('what people read', () => {
  it('the card gives the take-by time «по московскому времени»; the family reads the number ungrouped', async () => {
    const { card, familyUser, request } = await routedRequest(bot, { curatorName: 'Анна Петрова' });
    expect(request.number).toBeGreaterThan(1000);
    expect(card.text).toMatch(/Взять в работу до: \d\d\.\d\d\.\d{4}, \d\d:\d\d по московскому времени/);
    expect(card.text).not.toContain('Europe/Moscow');
    expect(card.text).toContain(`№ ${request.number}`);

    const chat = familyChat(bot.emulator, familyUser.id);
    await chat.say('/menu', 'Главное меню');
    await chat.say('Настройки', 'Настройки');
    const stored = await chat.press('Что хранится обо мне', 'Вот всё');
    const all = bot.emulator
      .messages(familyUser.id, { from: 'bot' })
      .filter((m) => m.message_id >= stored.message_id)
      .map((m) => m.text ?? '')
      .join('\n');
    expect(all).toContain(`• № ${request.number}, `);
    expect(all).not.toMatch(/№ \d[\s\u00a0\u202f]\d{3}/);
    expect(all).toMatch(/Согласие на обработку данных: версия 1, дано/);

    const list = await chat.say('Мои заявки', 'Ваши заявки');
    expect(list.text).toContain(`№ ${request.number} · `);
    expect(list.text).not.toMatch(/№ \d[\s\u00a0\u202f]\d{3}/);
  });
});
