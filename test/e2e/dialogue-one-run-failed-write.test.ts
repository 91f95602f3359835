import { describe, expect, it } from 'vitest';
import { createDraftsRepository } from '../../src/bot/dialogue/drafts.js';
import { REQUEST_CONVERSATION } from '../../src/features/requests/requests.steps.js';
import { useE2E } from '../helpers/e2e.js';
import { familyAtUrgency } from '../helpers/request-dialogue.js';

const bot = useE2E({ pipeline: false, outage: { redis: 'bot' }, allowFailureReplies: true });

const QUESTION_AFTER_URGENCY = Buffer.from('Для кого нужна помощь');

// One run per answer (src/bot/dialogue/continuation.ts): the answer was kept and the next question sent, then
// the dialogue's new state could not be written (Redis went away at that moment). The state stays as before
// the update, and so must the draft (storage.ts puts it back), or the answer given again would be dropped.
describe('one run per answer: the state write fails after a kept answer', () => {
  it('the update kept through the outage is answered from the state kept: the draft agrees, no «Продолжим»', async () => {
    const redis = bot.outage.redis!;
    const chat = await familyAtUrgency(bot, 'Вера');
    const urgency = bot.emulator.messages(chat.userId, { from: 'bot' }).at(-1)!;
    let cut = false;
    // The first thing the bot sends Redis with the next question in it is the dialogue's new state.
    redis.watch((chunk) => {
      if (cut || !chunk.includes(QUESTION_AFTER_URGENCY)) return;
      cut = true;
      void redis.cut();
    });
    bot.emulator.pressButtonByText(chat.userId, urgency.message_id, 'Можно в ближайшие дни');
    await chat.next('Для кого');
    await expect.poll(() => cut, { timeout: 15_000 }).toBe(true);
    redis.watch(undefined);
    // The draft is as it was before the failed update: nothing answered yet.
    await expect
      .poll(
        async () => {
          const draft = await createDraftsRepository(bot.db).find(chat.userId, REQUEST_CONVERSATION);
          return (draft?.answers.progress as { done?: string[] } | undefined)?.done ?? [];
        },
        { timeout: 15_000 },
      )
      .toEqual([]);
    await redis.restore();

    // The update met an outage: it was kept and is handled again once Redis is back (update-parking.ts).
    // Its answer is taken from the question the state kept, the next question asked once more, and
    // nothing says «Продолжим» (the draft and the state agree).
    await expect
      .poll(() => chat.transcript().split('Для кого нужна помощь психолога?').length - 1, { timeout: 20_000 })
      .toBe(2);
    expect(chat.transcript()).not.toContain('Продолжим');
    // While Redis was away the person was told only what is true: the answer may still come by itself.
    expect(chat.transcript()).toContain(
      'Извините, сейчас не получилось ответить. Если ответа не будет через минуту, отправьте, пожалуйста, сообщение ещё раз.',
    );
    const draft = await createDraftsRepository(bot.db).find(chat.userId, REQUEST_CONVERSATION);
    const progress = draft?.answers.progress as { done: string[]; details: { urgency?: string } };
    expect(progress.done).toEqual(['urgency']);
    expect(progress.details.urgency).toBe('planned');
    // And the dialogue goes on from there.
    const last = bot.emulator.messages(chat.userId, { from: 'bot' }).at(-1)!;
    bot.emulator.pressButtonByText(chat.userId, last.message_id, 'Для меня');
    await chat.next('Как удобнее поговорить');
  });
});
