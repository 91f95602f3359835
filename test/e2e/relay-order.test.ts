import { describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { body, delivered, takenRequest, WAIT } from './relay-fixtures.js';

/** Messages written one after another reach the other side in the order they were written. */
const bot = useE2E();

describe('order of relayed messages', () => {
  it('six quick messages from the family, then six from the curator, arrive in order', async () => {
    const { C, F, card, toFamily } = await takenRequest(bot);
    bot.emulator.sendText(C, 'Расскажите подробнее.', { replyTo: card.message_id });
    const asked = await toFamily('подробнее');
    await delivered(bot);
    const words = ['раз', 'два', 'три', 'четыре', 'пять', 'шесть'];
    for (const word of words) bot.emulator.sendText(F, `Семья: ${word}`, { replyTo: asked.message_id });
    const curatorSide = bot.emulator.messages(C, { from: 'bot' }).length;
    for (const word of words) bot.emulator.sendText(C, `Куратор: ${word}`, { replyTo: card.message_id });
    const copies = (chat: number, from: number, prefix: string) =>
      bot.emulator
        .messages(chat, { from: 'bot' })
        .slice(from)
        .map(body)
        .filter((text) => text.includes(prefix));
    const atCurator = await eventually(
      async () => copies(C, curatorSide, 'Семья: ').length === 6 && copies(C, curatorSide, 'Семья: '),
      WAIT,
      'six copies at the curator',
    );
    const atFamily = await eventually(
      async () => copies(F, 0, 'Куратор: ').length === 6 && copies(F, 0, 'Куратор: '),
      WAIT,
      'six copies at the family',
    );
    expect(atCurator.map((text) => text.split('Семья: ')[1])).toEqual(words);
    expect(atFamily.map((text) => text.split('Куратор: ')[1])).toEqual(words);
  });
});
