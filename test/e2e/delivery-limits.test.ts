import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema/index.js';
import { busiestWindow, startBotApiRecorder } from '../helpers/bot-api-recorder.js';
import { curatorsWithAFamilyEach, expectEachChatGotItsCards } from '../helpers/bulk-delivery.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { createConfirmedRequestsInBulk, notificationStatusCounts } from '../helpers/routing-factories.js';

const CHATS = 50;
const REQUESTS = 1000;

/**
 * 1,000 request cards to 50 curators' chats with the e2e.emulator enforcing Telegram's limits. Telegram allows
 * 30/s in total, so this takes at least 34 s; it is the one test of that size.
 */
describe('1,000 notifications to 50 chats', () => {
  let recorder: Awaited<ReturnType<typeof startBotApiRecorder>>;
  const e2e = useE2E({
    bot: false,
    limits: { global: 30, perChat: 1 },
    // Some sends are answered with a 429 by the proxy, so honouring retry_after is always exercised.
    via: async (emulatorUrl) => {
      recorder = await startBotApiRecorder(emulatorUrl, { floodOnSendNumbers: [40, 300, 301, 620, 900] });
      return recorder;
    },
  });

  it('delivers each once, never above 30/s in total nor 1/s per chat, honouring every 429', async () => {
    const { chats, familyIds } = await curatorsWithAFamilyEach(e2e.db, e2e.emulator, 'lipetsk-city', CHATS);
    const created = await createConfirmedRequestsInBulk(e2e.db, familyIds, REQUESTS);

    await eventually(
      async () => (await notificationStatusCounts(e2e.db)).sent === REQUESTS,
      200_000,
      'all notifications sent',
    );

    expectEachChatGotItsCards(e2e.emulator, chats, created);
    const rows = await e2e.db.select().from(notifications).where(eq(notifications.status, 'sent'));
    expect(rows).toHaveLength(REQUESTS);
    expect(new Set(rows.map((row) => `${row.chatId}:${row.telegramMessageId}`)).size).toBe(REQUESTS);

    // The e2e.emulator's own view of accepted sends.
    const stats = e2e.emulator.stats();
    expect(stats.acceptedSends).toBe(REQUESTS);
    expect(stats.maxSendsPerSecondGlobal).toBeLessThanOrEqual(30);
    expect(stats.maxSendsPerSecondPerChat).toBeLessThanOrEqual(1);

    // Every attempt as it left the service, including refused ones: the rates were kept by the service
    // itself, not only by the e2e.emulator refusing the excess.
    const sends = recorder.sends();
    expect(
      busiestWindow(
        sends.map((send) => send.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    const byChat = new Map<number, typeof sends>();
    for (const send of sends) byChat.set(send.chatId, [...(byChat.get(send.chatId) ?? []), send]);
    for (const chatSends of byChat.values())
      expect(
        busiestWindow(
          chatSends.map((send) => send.at),
          1000,
        ),
      ).toBe(1);

    // Every 429 honoured: the next attempt to that chat came no sooner than retry_after.
    const refused = sends.filter((send) => send.status === 429);
    expect(refused.filter((send) => send.injected)).toHaveLength(5);
    for (const refusal of refused) {
      const next = byChat.get(refusal.chatId)!.find((send) => send.at > refusal.at);
      expect(next, 'the refused card is sent again').toBeDefined();
      expect(next!.at - refusal.at).toBeGreaterThanOrEqual((refusal.retryAfter ?? 1) * 1000);
    }
  }, 240_000);
});
