import { beforeAll, describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { freePort } from '../helpers/ports.js';
import type { SpawnedProcess } from '../helpers/spawn.js';

/**
 * A bot process just started (webhook mode, Telegram's limits on) meets a burst of families writing at the
 * same moment: its first sends run while other updates' Redis commands share the auto-pipeline. Once a
 * Lua script used for the first time there crashed the process, and the updates in hand were then skipped
 * as duplicates on Telegram's retry: those families never got an answer (queue/redis-script.ts).
 */
describe('a freshly started bot receiving a burst of first messages', () => {
  const e2e = useE2E({ bot: false, pipeline: false });
  let bot: SpawnedProcess;

  beforeAll(async () => {
    const port = await freePort();
    bot = e2e.spawnRole('bot', {
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
      WEBHOOK_SECRET: 'webhook-secret-first-burst_01',
      HTTP_PORT: String(port),
    });
    await bot.waitForLog((line) => line.msg === 'started', 60_000);
  });

  it('answers every family, and the process lives on', async () => {
    const people = Array.from({ length: 40 }, (_, i) =>
      e2e.emulator.createUser({ first_name: `Ольга ${i}` }),
    );
    const answered = people.map((person) => e2e.emulator.waitForMessage(person.id, undefined, 60_000));
    for (const person of people) e2e.emulator.sendText(person.id, '/start');
    const answers = await Promise.all(answered);
    expect(answers.every((message) => (message.text ?? '').length > 0)).toBe(true);
    expect(bot.logs().filter((line) => line.msg === 'duplicate update skipped')).toEqual([]);
    expect(bot.logs().filter((line) => line.level === 'fatal' || line.level === 60)).toEqual([]);
  });
});
