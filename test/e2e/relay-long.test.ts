import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { body, buttonsOf, delivered, takenRequest, WAIT } from './relay-fixtures.js';

/**
 * A 9,000-character message both ways under Telegram's limits (issue 13 §4): it reaches the other side
 * whole, in order, in parts within 4,096 characters, under one heading, each part once; replies to any part
 * thread back to the message. A long message arrives as one text once the bot joins the parts a Telegram
 * client split it into; the parts as Telegram sends them also arrive whole and in order.
 */
const bot = useE2E();

/** About 9,000 characters of numbered words, so a lost, repeated or reordered part shows. */
function longText(who: string) {
  const words = Array.from({ length: 1400 }, (_, i) => `${who}${i}`).join(' ');
  return words.slice(0, words.lastIndexOf(' ', 9000));
}

/** The bot's messages in a chat after `from` whose text is part of the long message. */
const partsIn = (chat: number, from: number, marker: string) =>
  bot.emulator.messages(chat, { from: 'bot' }).filter((m) => m.message_id > from && body(m).includes(marker));

/** The text of the parts without the heading of the first. */
const joined = (parts: StoredMessage[]) => {
  const first = body(parts[0]!);
  return [first.slice(first.indexOf('\n\n') + 2), ...parts.slice(1).map(body)].join(' ');
};

describe('a long message in the relay, under Telegram limits', () => {
  it('9,000 characters each way arrive whole, in order, once, under one heading, and replies thread back', async () => {
    const { C, F, card, request } = await takenRequest(bot);
    await delivered(bot);
    bot.emulator.setLimits({ global: 30, perChat: 1 });
    const label = `заявка № ${request.number}`;
    const lastOnFamilySide = bot.emulator.messages(F, { from: 'bot' }).at(-1)!.message_id;

    // The curator writes 9,000 characters as a reply to the card.
    const fromCurator = longText('куратор');
    const curatorMessage = bot.emulator.sendText(C, fromCurator, { replyTo: card.message_id });
    const atFamily = await eventually(
      async () => {
        const parts = partsIn(F, lastOnFamilySide, 'куратор');
        return parts.some((m) => body(m).includes(fromCurator.slice(-30))) && parts;
      },
      WAIT,
      'the curator’s long message at the family',
    );
    await delivered(bot);
    const familyParts = partsIn(F, lastOnFamilySide, 'куратор');
    expect(familyParts).toHaveLength(3);
    expect(body(familyParts[0]!)).toMatch(new RegExp(`^💬 Куратор Анна Петрова · ${label}\\n\\nкуратор0 `));
    expect(familyParts.filter((m) => body(m).includes('💬'))).toHaveLength(1);
    expect(joined(familyParts)).toBe(fromCurator);
    for (const part of familyParts) expect(body(part).length).toBeLessThanOrEqual(4096);
    // «Ответить куратору» under the last part only.
    expect(familyParts.map(buttonsOf)).toEqual([[], [], ['Ответить куратору']]);
    expect(atFamily.length).toBe(3);

    // The family answers the middle part with 9,000 characters of its own: the curator gets them under
    // their own message, whole and in order.
    const fromFamily = longText('семья');
    const lastOnCuratorSide = bot.emulator.messages(C, { from: 'bot' }).at(-1)!.message_id;
    bot.emulator.sendText(F, fromFamily, { replyTo: familyParts[1]!.message_id });
    await eventually(
      async () => partsIn(C, lastOnCuratorSide, 'семья').some((m) => body(m).includes(fromFamily.slice(-30))),
      WAIT,
      'the family’s long message at the curator',
    );
    await delivered(bot);
    const curatorParts = partsIn(C, lastOnCuratorSide, 'семья');
    expect(curatorParts).toHaveLength(3);
    expect(body(curatorParts[0]!)).toMatch(new RegExp(`^💬 Мария Иванова · ${label}\\n\\nсемья0 `));
    expect(curatorParts.filter((m) => body(m).includes('💬'))).toHaveLength(1);
    expect(joined(curatorParts)).toBe(fromFamily);
    // Threaded: the first part answers the curator's own long message.
    expect(curatorParts[0]!.reply_to_message?.message_id).toBe(curatorMessage.message_id);

    // The curator answers the family's last part: it reaches the family under the family's own message.
    const lastForFamily = bot.emulator.messages(F, { from: 'bot' }).at(-1)!.message_id;
    const familyMessage = bot.emulator
      .messages(F)
      .filter((m) => !m.from?.is_bot)
      .at(-1)!;
    bot.emulator.sendText(C, 'Спасибо, прочитала всё.', { replyTo: curatorParts[2]!.message_id });
    const answer = await bot.emulator.waitForMessage(
      F,
      (m) => m.message_id > lastForFamily && body(m).includes('прочитала всё'),
      WAIT,
    );
    expect(answer.reply_to_message?.message_id).toBe(familyMessage.message_id);

    // Within Telegram's limits all the way: each part sent once, never two a second to one chat.
    const stats = bot.emulator.stats();
    expect(stats.perChat[String(F)]?.maxSendsPerSecond).toBeLessThanOrEqual(1);
    expect(stats.perChat[String(C)]?.maxSendsPerSecond).toBeLessThanOrEqual(1);
    bot.emulator.setLimits(telegramRateLimits);
  });

  it('the parts of a long message as a Telegram client sends them reach the curator whole and in order', async () => {
    const { C, F, card, toFamily } = await takenRequest(bot, 'Нина Котова');
    bot.emulator.sendText(C, 'Опишите, пожалуйста, всё подробно.', { replyTo: card.message_id });
    const asked = await toFamily('подробно');
    await delivered(bot);
    bot.emulator.setLimits({ global: 30, perChat: 1 });
    const text = longText('часть');
    // A Telegram client cuts at 4,096 and sends the parts one after another.
    const pieces = [text.slice(0, 4096), text.slice(4096, 8192), text.slice(8192)];
    const from = bot.emulator.messages(C, { from: 'bot' }).at(-1)!.message_id;
    for (const piece of pieces) bot.emulator.sendText(F, piece, { replyTo: asked.message_id });
    await eventually(
      async () => partsIn(C, from, 'часть').some((m) => body(m).endsWith(pieces[2]!.slice(-30))),
      WAIT,
      'every part at the curator',
    );
    await delivered(bot);
    const arrived = partsIn(C, from, 'часть').map(body);
    // Whatever headings the parts carry, every word comes, once, in order (a client cuts anywhere).
    expect(arrived.join(' ').match(/часть\d+/g)).toEqual(pieces.join(' ').match(/часть\d+/g));
    expect(arrived.every((part) => part.length <= 4096)).toBe(true);
    bot.emulator.setLimits(telegramRateLimits);
  });
});
