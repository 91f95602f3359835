import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogueKeys } from '../../src/bot/dialogue/storage.js';
import { REQUEST_CONVERSATION } from '../../src/features/requests/requests.steps.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';

/**
 * A request dialogue runs once per answer (src/bot/dialogue/continuation.ts): after a kept answer it goes on
 * to its next question in the same run, and what it stores is the dialogue as just entered with the question
 * it asked, so the next update starts it afresh and answers that question — no replay of the last one, no
 * second entry.
 */
const bot = useE2E({ pipeline: false });
let redis: Redis;
beforeAll(() => {
  redis = new Redis(bot.config.redisUrl);
});
afterAll(() => {
  redis?.disconnect();
});

interface Stored {
  prompt?: { text: string };
  continuing?: { text: string; nonce: string; messageId: number };
  state: Record<
    string,
    { args?: string; interrupts: number[]; replay: { send: unknown[]; receive: unknown[] } }[]
  >;
}

const stateKey = (userId: number) => dialogueKeys(bot.config.redisPrefix).state(String(userId));

/** The stored state once the dialogue waits on `question`. */
async function storedAt(userId: number, question: string): Promise<Stored> {
  let stored: Stored | undefined;
  await eventually(
    async () => {
      const raw = await redis.get(stateKey(userId));
      stored = raw ? (JSON.parse(raw) as Stored) : undefined;
      return stored?.prompt?.text.includes(question) ?? false;
    },
    10_000,
    `the dialogue to wait on «${question}»`,
  );
  return stored as Stored;
}

async function familyAtUrgency(name: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  await createRegisteredFamily(bot.db, { telegramId: user.id, children: [] });
  const chat = familyChat(bot.emulator, user.id);
  await chat.say('/menu', 'Главное меню');
  bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
  await chat.next('С чем нужна помощь');
  await chat.press('Помощь психолога', 'Как срочно');
  return chat;
}

describe('a request dialogue runs once per answer', () => {
  it('stores, after each kept answer, the dialogue as just entered and the question it asked', async () => {
    const chat = await familyAtUrgency('Ольга');
    for (const [press, question] of [
      ['Можно в ближайшие дни', 'Для кого нужна помощь'],
      ['Для меня', 'Как удобнее'],
    ] as const) {
      const asked = await chat.press(press, question);
      const stored = await storedAt(chat.userId, question);
      expect(stored.continuing).toMatchObject({ messageId: asked.message_id });
      expect(stored.continuing?.text).toContain(question);
      // Nothing to replay: the entry's wait, not yet answered.
      expect(Object.keys(stored.state)).toEqual([REQUEST_CONVERSATION]);
      expect(stored.state[REQUEST_CONVERSATION]?.[0]?.replay).toEqual({
        send: [{ payload: 'wait' }],
        receive: [],
      });
      expect(stored.state[REQUEST_CONVERSATION]?.[0]?.interrupts).toEqual([0]);
    }
    // A wrong answer gets its hint from the fresh run and the same question; its buttons still work.
    await chat.say('не знаю', 'выберите вариант кнопкой');
    await chat.next('Как удобнее');
    await chat.press('По телефону', 'Когда вам удобно');
    await chat.say('В будни после 18:00', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const transcript = chat.transcript();
    // Each question once (the hint's repeat aside), none repeated by a second run, no «Продолжим».
    expect(transcript.match(/Как удобнее поговорить/g)).toHaveLength(2);
    expect(transcript.match(/Для кого нужна помощь/g)).toHaveLength(1);
    expect(transcript.match(/Когда вам удобно/g)).toHaveLength(1);
    expect(transcript).not.toContain('Продолжим');
  });

  it('asks the question it meets, not taking the update as its answer, when it is not the one asked', async () => {
    const chat = await familyAtUrgency('Ирина');
    await chat.press('Можно в ближайшие дни', 'Для кого нужна помощь');
    const stored = await storedAt(chat.userId, 'Для кого нужна помощь');
    // As if the draft had moved on without the state (a failure after the answer was kept).
    const moved = { ...stored, continuing: { ...stored.continuing, text: 'Другой вопрос' } };
    await redis.set(stateKey(chat.userId), JSON.stringify(moved), 'KEEPTTL');
    const before = bot.emulator.messages(chat.userId).length;
    bot.emulator.pressButtonByText(chat.userId, undefined, 'Для меня');
    await chat.next('Для кого нужна помощь');
    // The press was not taken: the question came again, and the dialogue waits on it.
    expect(
      bot.emulator
        .messages(chat.userId)
        .slice(before)
        .some((m) => m.text?.includes('Как удобнее')),
    ).toBe(false);
    await chat.press('Для меня', 'Как удобнее');
  });
});
