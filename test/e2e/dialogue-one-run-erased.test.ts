import { describe, expect, it } from 'vitest';
import { createDraftsRepository } from '../../src/bot/dialogue/drafts.js';
import { REQUEST_CONVERSATION } from '../../src/features/requests/requests.steps.js';
import { startBotApiRecorder } from '../helpers/bot-api-recorder.js';
import { useE2E } from '../helpers/e2e.js';
import { familyAtUrgency } from '../helpers/request-dialogue.js';

let recorder: Awaited<ReturnType<typeof startBotApiRecorder>> | undefined;
let erased = 0;
const bot = useE2E({
  pipeline: false,
  via: async (emulatorUrl) => {
    recorder = await startBotApiRecorder(emulatorUrl, {
      badGatewayOnceOnText: ['Для кого нужна помощь'],
      // While the update is in hand, its person's drafts are erased (as «Удалить мои данные» erases them).
      beforeBadGateway: async (chatId) => {
        erased = await createDraftsRepository(bot.db).erase(chatId);
      },
    });
    return recorder;
  },
  allowFailureReplies: true,
});

// One run per answer (src/bot/dialogue/continuation.ts): a failed update puts its draft back as it was. A draft
// erased while that update was in hand (a curator's draft about a family that erased its data, say) must stay
// erased: the failure must not bring personal data back.
describe('one run per answer: a failed step after the draft was erased', () => {
  it('does not bring the erased draft back', async () => {
    const chat = await familyAtUrgency(bot, 'Лидия');
    expect(await createDraftsRepository(bot.db).find(chat.userId, REQUEST_CONVERSATION)).toBeDefined();
    await chat.press('Можно в ближайшие дни', 'не получилось обработать');
    expect(erased).toBe(1);
    // The draft is put back (or not) before the person is told; it stays erased.
    expect(await createDraftsRepository(bot.db).find(chat.userId, REQUEST_CONVERSATION)).toBeUndefined();
  });
});
