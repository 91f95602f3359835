import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema/index.js';
import { curatorsWithAFamilyEach, expectEachChatGotItsCards } from '../helpers/bulk-delivery.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import { createConfirmedRequestsInBulk, notificationStatusCounts } from '../helpers/routing-factories.js';

const CHATS = 50;
const REQUESTS = 500;

/**
 * Redis may be wiped at any moment (SPEC §7). Here it is wiped twice — every key of this test's prefix,
 * as FLUSHALL would, without touching other runs sharing the server: once with all 500 requests queued
 * for routing and nothing sent, once in the middle of sending. Everything is rebuilt from PostgreSQL.
 */
describe('Redis wiped while 500 notifications are pending', () => {
  const e2e = useE2E({ bot: false, pipeline: false, limits: { global: 30, perChat: 1 } });

  it('delivers everything afterwards, none twice', async () => {
    const { config } = e2e;
    await e2e.startRole('relay', { reconcileIntervalMs: 1000 });

    const { chats, familyIds } = await curatorsWithAFamilyEach(e2e.db, e2e.emulator, 'lebedyan', CHATS);
    const created = await createConfirmedRequestsInBulk(e2e.db, familyIds, REQUESTS);
    // The relay has queued all of them for routing; no worker runs yet.
    await eventually(
      async () =>
        (await e2e.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'))).length ===
        0,
      10_000,
      'the outbox dispatched',
    );
    expect(await wipeRedisPrefix(config.redisUrl, config.redisPrefix)).toBeGreaterThan(0);

    await e2e.startRole('worker');
    await eventually(
      async () => ((await notificationStatusCounts(e2e.db)).sent ?? 0) >= 100,
      60_000,
      '100 sent',
    );
    const beforeSecondWipe = await notificationStatusCounts(e2e.db);
    expect(beforeSecondWipe.pending ?? 0).toBeGreaterThan(0);
    await wipeRedisPrefix(config.redisUrl, config.redisPrefix);
    await eventually(
      async () => (await notificationStatusCounts(e2e.db)).sent === REQUESTS,
      150_000,
      'all notifications sent',
    );
    expectEachChatGotItsCards(e2e.emulator, chats, created);
    expect(e2e.emulator.stats().acceptedSends).toBe(REQUESTS);
  }, 240_000);
});
