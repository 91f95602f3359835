import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftsRepository } from '../../src/bot/dialogue/drafts.js';
import { dialogueKeys } from '../../src/bot/dialogue/storage.js';
import { REQUEST_CONVERSATION } from '../../src/features/requests/requests.steps.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { familyAtUrgency } from '../helpers/request-dialogue.js';

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
  continuing?: { text: string; nonce: string; messageId: number; progress: string; id?: string };
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
      return (stored?.prompt ?? stored?.continuing)?.text.includes(question) ?? false;
    },
    10_000,
    `the dialogue to wait on «${question}»`,
  );
  return stored as Stored;
}

describe('a request dialogue runs once per answer', () => {
  it('stores, after each kept answer, the dialogue as just entered and the question it asked', async () => {
    const chat = await familyAtUrgency(bot, 'Ольга');
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

  /**
   * The family asked «Для кого…» with the stored question changed by `change`, then a press of «Для меня»:
   * «Продолжим…» and the question again, the press not taken (no «Как удобнее»); then it takes an answer.
   */
  async function pressResumes(name: string, change: (asked: Stored['continuing']) => object): Promise<void> {
    const chat = await familyAtUrgency(bot, name);
    await chat.press('Можно в ближайшие дни', 'Для кого нужна помощь');
    const stored = await storedAt(chat.userId, 'Для кого нужна помощь');
    const changed = { ...stored, continuing: change(stored.continuing) };
    await redis.set(stateKey(chat.userId), JSON.stringify(changed), 'KEEPTTL');
    const before = bot.emulator.messages(chat.userId).length;
    bot.emulator.pressButtonByText(chat.userId, undefined, 'Для меня');
    await chat.next('Продолжим с того места, где остановились');
    await chat.next('Для кого нужна помощь');
    // The press was not taken: the question came again, and the dialogue waits on it.
    const after = bot.emulator.messages(chat.userId).slice(before);
    expect(after.some((m) => m.text?.includes('Как удобнее'))).toBe(false);
    await chat.press('Для меня', 'Как удобнее');
    expect(chat.transcript().match(/Продолжим с того места/g)).toHaveLength(1);
  }

  it('says «Продолжим…» and asks the question it meets, not taking the update, when the draft moved on', async () => {
    // As if the draft had moved on without the state (a crash after the answer was kept).
    await pressResumes('Ирина', (asked) => ({ ...asked, progress: 'другой черновик' }));
  });

  it('says «Продолжим…» and asks the question it meets, not taking the update, when it is another question', async () => {
    // The draft reads the same, but the way led elsewhere (a held message since, a deploy changing steps).
    await pressResumes('Дарья', (asked) => {
      expect(asked?.id).toMatch(/^choice:/);
      return { ...asked, id: 'text' };
    });
  });

  it('takes the answer to a question stored before questions had ids (a deploy mid-dialogue)', async () => {
    const chat = await familyAtUrgency(bot, 'Алла');
    await chat.press('Можно в ближайшие дни', 'Для кого нужна помощь');
    const stored = await storedAt(chat.userId, 'Для кого нужна помощь');
    const { id: _id, ...older } = stored.continuing ?? { id: undefined };
    await redis.set(stateKey(chat.userId), JSON.stringify({ ...stored, continuing: older }), 'KEEPTTL');
    await chat.press('Для меня', 'Как удобнее');
    expect(chat.transcript()).not.toContain('Продолжим');
  });
});

describe('a request dialogue run once per answer, at its edges', () => {
  it('refuses a late press of the previous question as stale, asks the current one again, takes its answer', async () => {
    const chat = await familyAtUrgency(bot, 'Нина');
    const urgency = bot.emulator.messages(chat.userId, { from: 'bot' }).at(-1);
    const rows = (urgency!.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard;
    const now = rows.flat().find((b) => b.text.includes('прямо сейчас'))?.callback_data ?? '';
    await chat.press('Можно в ближайшие дни', 'Для кого');
    bot.emulator.pressButton(chat.userId, urgency?.message_id ?? 0, now);
    expect((await chat.next()).text).toContain('кнопка уже не действует');
    expect((await chat.next()).text).toContain('Для кого');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'Когда вам удобно');
    await chat.say('утром', 'добавить');
    await chat.press('Пропустить', 'документы');
    const summary = await chat.press('Пропустить', 'Всё верно');
    expect(summary.text).toContain('ближайшие дни');
    expect(chat.transcript()).not.toContain('Вы не одни');
  });

  it('«Изменить» on a summary the run started afresh at: the summary and the request have the changes', async () => {
    const chat = await familyAtUrgency(bot, 'Вера');
    await chat.press('Нужна помощь прямо сейчас', 'Для кого');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'добавить для куратора');
    await chat.say('первый комментарий', 'Всё верно?');
    await chat.press('✏️ Изменить', 'Что изменить');
    await chat.press('Как удобнее', 'поговорить с психологом');
    await chat.press('В чате', 'Всё верно?');
    expect((await chat.press('✏️ Изменить', 'Что изменить')).text).toContain('Что изменить');
    await chat.press('Комментарий', 'добавить для куратора');
    const summary = await chat.say('второй комментарий', 'Всё верно?');
    expect(summary.text).toContain('второй комментарий');
    expect(summary.text).not.toContain('первый комментарий');
    expect(summary.text).not.toContain('По телефону');
    await chat.press('✅ Отправить куратору', 'принята');
  });

  it('takes the answer when the stored question reads otherwise now (a wording deploy, a date past midnight)', async () => {
    const chat = await familyAtUrgency(bot, 'Зоя');
    await chat.press('Можно в ближайшие дни', 'Для кого');
    await chat.say('не знаю', 'кнопкой');
    await chat.next('Для кого');
    // A replayed run now (the hint's update is in its log): its decision must not depend on the text.
    const key = stateKey(chat.userId);
    await eventually(async () => ((await redis.get(key)) ?? '').includes('"receive":[{'), 5000, 'stored');
    const raw = (await redis.get(key)) ?? '';
    const tampered = raw.replace('"continuing":{"text":"Для кого', '"continuing":{"text":"Для кого же');
    expect(tampered).not.toBe(raw);
    await redis.set(key, tampered, 'KEEPTTL');
    bot.emulator.pressButtonByText(chat.userId, undefined, 'Для меня');
    // Before: «Bad replay» → the apology and the question, again on every answer (a loop until /cancel).
    expect((await chat.next()).text).toContain('Как удобнее');
    expect(chat.transcript()).not.toContain('не получилось обработать');
    expect(chat.transcript()).not.toContain('Продолжим');
  });

  it('the draft gone while the state waits (a crash after the request went): a press is a stale button', async () => {
    const chat = await familyAtUrgency(bot, 'Нина');
    await chat.press('Нужна помощь прямо сейчас', 'Для кого');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'добавить для куратора');
    await chat.press('Пропустить', 'Всё верно?');
    await storedAt(chat.userId, 'Всё верно');
    await createDraftsRepository(bot.db).erase(chat.userId);
    const before = bot.emulator.messages(chat.userId, { from: 'bot' }).length;
    const press = bot.emulator.pressButtonByText(chat.userId, undefined, 'Не отправлять');
    const answer = await eventually(
      async () => bot.emulator.callbackAnswers().find((a) => a.callback_query_id === press.callback_query_id),
      10_000,
      'the answer to the press',
    );
    expect(answer.text).toContain('Эта кнопка уже не действует');
    // The dialogue is over: no state, no new request dialogue («С чем нужна помощь?»), nothing sent.
    await eventually(async () => (await redis.get(stateKey(chat.userId))) === null, 5000, 'the state gone');
    expect(bot.emulator.messages(chat.userId, { from: 'bot' })).toHaveLength(before);
    expect(await createDraftsRepository(bot.db).find(chat.userId, REQUEST_CONVERSATION)).toBeUndefined();
  });
});
