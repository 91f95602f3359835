import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../../../test/helpers/env.js';
import type { PendingQuestion } from '../context.js';
import { createDialogueStorage, dialogueKeys, readDialoguePrompt } from './storage.js';

const redis = new Redis(process.env.REDIS_URL!);
const prefix = freshRedisPrefix();
afterAll(() => {
  redis.disconnect();
});

const question: PendingQuestion = {
  text: 'Для кого нужна помощь?',
  nonce: 'n1',
  messageId: 41,
  chatId: 7001,
  replyMarkup: { inline_keyboard: [[{ text: 'Для меня', callback_data: 'x' }]] },
  progress: 'p',
};
// One run of the dialogue `request`, moved on after its entry: a kept answer stores it as just entered.
const state = {
  version: [0, 1] as [0, number],
  state: {
    request: [
      {
        interrupts: [0],
        replay: { send: [{ payload: 'wait' }, { payload: 'wait' }], receive: [{ send: 0, returnValue: {} }] },
      },
    ],
  },
};

describe('the dialogue state in Redis', () => {
  const storage = createDialogueStorage({ redis, prefix, idleMs: 60_000 });
  if (storage.type !== 'context') throw new Error('expected a context storage');
  const turnIn = (chatId: number, dialogueTurn: object) =>
    ({ chat: { id: chatId, type: 'private' }, dialogueTurn }) as never;
  const stored = async (chatId: number) =>
    JSON.parse((await redis.get(dialogueKeys(prefix).state(String(chatId)))) ?? '{}') as Record<
      string,
      unknown
    >;

  it('keeps the question once after a kept answer, and the error handler still reads it', async () => {
    const chatId = 7001;
    await storage.adapter.write(
      turnIn(chatId, {
        prompt: { text: question.text, replyMarkup: question.replyMarkup, messageId: question.messageId },
        continuation: { dialogue: 'request', question },
      }),
      state,
    );
    // Not a second copy of the question's text and keyboard in every update's state.
    expect((await stored(chatId)).prompt).toBeUndefined();
    expect((await stored(chatId)).continuing).toMatchObject({ text: question.text, messageId: 41 });
    expect(await readDialoguePrompt(redis, prefix, chatId)).toEqual({
      text: question.text,
      replyMarkup: question.replyMarkup,
      messageId: 41,
    });
  });

  it('keeps the question sent last when it is not the one the dialogue was entered at', async () => {
    const chatId = 7002;
    const sentLast = { text: 'Пожалуйста, выберите вариант кнопкой ниже.', messageId: 42 };
    await storage.adapter.write(
      turnIn(chatId, { prompt: sentLast, continuation: { dialogue: 'request', question } }),
      state,
    );
    expect(await readDialoguePrompt(redis, prefix, chatId)).toEqual(sentLast);
  });

  it('keeps the question of a dialogue that is not continuing', async () => {
    const chatId = 7003;
    const prompt = { text: 'Как вас зовут?', messageId: 43 };
    await storage.adapter.write(turnIn(chatId, { prompt }), state);
    expect((await stored(chatId)).continuing).toBeUndefined();
    expect(await readDialoguePrompt(redis, prefix, chatId)).toEqual(prompt);
    expect(await readDialoguePrompt(redis, prefix, 7999)).toBeUndefined();
  });
});
