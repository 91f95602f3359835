import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { curatorsWithAFamilyEach, expectEachChatGotItsCards } from '../helpers/bulk-delivery.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, testConfig } from '../helpers/env.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import { createConfirmedRequestsInBulk, notificationStatusCounts } from '../helpers/routing-factories.js';

const CHATS = 50;
const REQUESTS = 500;
const silent = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * Redis may be wiped at any moment (SPEC §7). Here it is wiped twice — every key of this test's prefix,
 * as FLUSHALL would, without touching other runs sharing the server: once with all 500 requests queued
 * for routing and nothing sent, once in the middle of sending. Everything is rebuilt from PostgreSQL.
 */
describe('Redis wiped while 500 notifications are pending', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  const prefix = freshRedisPrefix();
  let emulator: Emulator;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await emulator?.stop();
    await sql.end();
  });

  it('delivers everything afterwards, none twice', async () => {
    const config = testConfig({ TELEGRAM_API_ROOT: emulator.url, REDIS_PREFIX: prefix });
    apps.push(await startApp(config, { role: 'relay', logger: silent, reconcileIntervalMs: 1000 }));

    const { chats, familyIds } = await curatorsWithAFamilyEach(db, emulator, 'lebedyan', CHATS);
    const created = await createConfirmedRequestsInBulk(db, familyIds, REQUESTS);
    // The relay has queued all of them for routing; no worker runs yet.
    await eventually(
      async () =>
        (await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'))).length === 0,
      10_000,
      'the outbox dispatched',
    );
    expect(await wipeRedisPrefix(config.redisUrl, prefix)).toBeGreaterThan(0);

    apps.push(await startApp(config, { role: 'worker', logger: silent }));
    await eventually(async () => ((await notificationStatusCounts(db)).sent ?? 0) >= 100, 60_000, '100 sent');
    const beforeSecondWipe = await notificationStatusCounts(db);
    expect(beforeSecondWipe.pending ?? 0).toBeGreaterThan(0);
    await wipeRedisPrefix(config.redisUrl, prefix);
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === REQUESTS,
      150_000,
      'all notifications sent',
    );
    expectEachChatGotItsCards(emulator, chats, created);
    expect(emulator.stats().acceptedSends).toBe(REQUESTS);
  }, 240_000);
});
