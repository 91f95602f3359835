import { describe, expect, it } from 'vitest';
import { createDraftsRepository } from '../../src/bot/dialogue/drafts.js';
import { REQUEST_CONVERSATION } from '../../src/features/requests/requests.steps.js';
import { startBotApiRecorder } from '../helpers/bot-api-recorder.js';
import { useE2E } from '../helpers/e2e.js';
import { familyAtUrgency } from '../helpers/request-dialogue.js';

let recorder: Awaited<ReturnType<typeof startBotApiRecorder>> | undefined;
const bot = useE2E({
  pipeline: false,
  via: async (emulatorUrl) => {
    recorder = await startBotApiRecorder(emulatorUrl, { badGatewayOnceOnText: ['Для кого нужна помощь'] });
    return recorder;
  },
  allowFailureReplies: true,
});

// One run per answer (src/bot/dialogue/continuation.ts): the answer was kept, then the next question could not
// be sent. The state stays as before the update, and so must the draft (its `undo`, create-bot.ts).
describe('one run per answer: a failed step after a kept answer', () => {
  it('takes the answer given again after «не получилось обработать»', async () => {
    const chat = await familyAtUrgency(bot, 'Нина');
    await chat.press('Можно в ближайшие дни', 'не получилось обработать');
    const again = await chat.next();
    expect(again.text).toContain('Как срочно');
    bot.emulator.pressButtonByText(chat.userId, undefined, 'Нужна помощь прямо сейчас');
    const after = await chat.next();
    expect(after.text).toContain('Вы не одни');
    await chat.next('Для кого');
    expect(chat.transcript()).not.toContain('Продолжим');
    // Stored: the answer given again, not the one of the failed update.
    const draft = await createDraftsRepository(bot.db).find(chat.userId, REQUEST_CONVERSATION);
    const progress = draft?.answers.progress as { done: string[]; details: { urgency?: string } };
    expect(progress.done).toEqual(['urgency']);
    expect(progress.details.urgency).toBeDefined();
    expect(progress.details.urgency).not.toBe('planned');
  });
});
