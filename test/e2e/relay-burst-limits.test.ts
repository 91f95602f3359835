import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { createCuratorInDistrict, createRegisteredFamily } from '../helpers/factories.js';

/**
 * The issue's scenario (12 §1): 200 families write to their curators at once, under Telegram's limits.
 * The bot's immediate «Передаём куратору» replies and the curators' copies share one send budget in Redis,
 * replies first: Telegram (the emulator) refuses nothing, every family is answered and every message
 * reaches its curator.
 */
const FAMILIES = 200;
const CURATORS = 20;
const WAIT = 90_000;

const bot = useE2E();

describe('200 families writing to their curators at once', () => {
  it('answers every family first and delivers every message, with (almost) no 429', async () => {
    const curators = [];
    for (let index = 0; index < CURATORS; index += 1) {
      const user = bot.emulator.createUser({ first_name: `Куратор ${index}`, language_code: 'ru' });
      curators.push({ user, row: await createCuratorInDistrict(bot.db, { telegramId: user.id }) });
    }
    const families = [];
    for (let index = 0; index < FAMILIES; index += 1) {
      const user = bot.emulator.createUser({ first_name: `Семья ${index}`, language_code: 'ru' });
      const curator = curators[index % CURATORS]!;
      await createRegisteredFamily(bot.db, { telegramId: user.id, curatorId: curator.row.id });
      families.push({ user, curator });
    }

    // Each family opens «Написать куратору» → «Общий вопрос», all at once (a burst of replies too).
    await Promise.all(
      families.map(async ({ user }) => {
        bot.emulator.sendText(user.id, 'Написать куратору');
        const topics = await bot.emulator.waitForMessage(
          user.id,
          (m) => (m.text ?? '').includes('О чём вы хотите написать'),
          WAIT,
        );
        bot.emulator.pressButtonByText(user.id, topics.message_id, 'Общий вопрос');
        await bot.emulator.waitForMessage(
          user.id,
          (m) => (m.text ?? '').includes('Напишите сообщение куратору'),
          WAIT,
        );
      }),
    );
    const refusedBefore = bot.emulator.stats().tooManyRequests;

    const start = performance.now();
    let lastReplyAt = 0;
    let lastCopyAt = 0;
    await Promise.all([
      ...families.map(async ({ user }, index) => {
        bot.emulator.sendText(user.id, `Вопрос семьи ${index}`);
        await bot.emulator.waitForMessage(
          user.id,
          (m) => (m.text ?? '').startsWith('Передаём куратору'),
          WAIT,
        );
        lastReplyAt = Math.max(lastReplyAt, performance.now() - start);
      }),
      ...families.map(async ({ curator }, index) => {
        await bot.emulator.waitForMessage(
          curator.user.id,
          (m) => (m.text ?? '').endsWith(`Вопрос семьи ${index}`),
          WAIT,
        );
        lastCopyAt = Math.max(lastCopyAt, performance.now() - start);
      }),
    ]);
    const refused = bot.emulator.stats().tooManyRequests - refusedBefore;
    console.log(
      `${FAMILIES} families: last reply after ${(lastReplyAt / 1000).toFixed(1)} s, last copy at a curator ` +
        `after ${(lastCopyAt / 1000).toFixed(1)} s, 429s: ${refused}`,
    );
    // The issue saw 529 refused. A send reaching the emulator more than 0.1 s after its turn (a machine under
    // heavy load) can still meet a full second there: a handful at most, each waited out and sent again.
    expect(refused).toBeLessThanOrEqual(3);
    // The replies went first: every family was answered before the curators' copies were all out.
    expect(lastReplyAt).toBeLessThan(lastCopyAt);
  });
});
