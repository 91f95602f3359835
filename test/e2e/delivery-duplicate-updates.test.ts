import { beforeAll, describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import type { SpawnedProcess } from '../helpers/spawn.js';

const secret = 'webhook-secret-for-two-bots_01';
const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

function startUpdate(updateId: number, userId: number) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Ольга' },
      from: { id: userId, is_bot: false, first_name: 'Ольга', language_code: 'ru' },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  };
}

/**
 * Two bot processes behind a balancer (webhook mode, one Redis): Telegram retrying an update may hit the
 * other process. The same update_id posted to both is answered once; while one process has it in hand the
 * other refuses it with a 500 (Telegram sends it again), and a re-send after it was handled is skipped.
 */
describe('two webhook bot processes receiving the same update', () => {
  const e2e = useE2E({ bot: false, pipeline: false, limits: false });
  const bots: { process: SpawnedProcess; webhookUrl: string }[] = [];

  // The two bots are processes of their own, each with its webhook port.
  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      const webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
      const process = e2e.spawnRole('bot', {
        WEBHOOK_URL: webhookUrl,
        WEBHOOK_SECRET: secret,
        HTTP_PORT: String(port),
      });
      bots.push({ process, webhookUrl });
    }
    await Promise.all(bots.map((bot) => bot.process.waitForLog(isStarted, 60_000)));
  });

  const post = (webhookUrl: string, update: unknown) =>
    fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
    });

  it('is answered by one of them only', async () => {
    // What one /start produces, delivered to one process only.
    const single = e2e.emulator.createUser({ first_name: 'Ольга' });
    expect((await post(bots[0]!.webhookUrl, startUpdate(910_001, single.id))).status).toBe(200);
    const answersToOne = e2e.emulator.messages(single.id, { from: 'bot' }).length;
    expect(answersToOne).toBeGreaterThan(0);

    // The same update to both at once. Each webhook call returns after its update was handled, or at once
    // with a 500 when the other process has it in hand (claimed in progress): Telegram sends it again later.
    const twice = e2e.emulator.createUser({ first_name: 'Ольга' });
    const update = startUpdate(910_002, twice.id);
    const responses = await Promise.all(bots.map((bot) => post(bot.webhookUrl, update)));
    const statuses = responses.map((response) => response.status);
    expect(statuses).toContain(200);
    expect(statuses.every((status) => status === 200 || status === 500)).toBe(true);
    // Telegram's re-send of a refused one, to either process, finds it done: 200, skipped.
    for (const bot of bots) expect((await post(bot.webhookUrl, update)).status).toBe(200);
    expect(e2e.emulator.messages(twice.id, { from: 'bot' })).toHaveLength(answersToOne);
    // The skips logged (stdout may reach us a moment after the HTTP answer): the two re-sends, and the
    // second of the two at once unless it was refused.
    const skipped = () =>
      bots.flatMap((bot) => bot.process.logs().filter((line) => line.msg === 'duplicate update skipped'));
    const refused = statuses.filter((status) => status === 500).length;
    await eventually(async () => skipped().length >= 3 - refused, 5000, 'the skips logged');
    expect(skipped()).toHaveLength(3 - refused);
  });
});
