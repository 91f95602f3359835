import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { notifications, requests } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { DELIVERY_CONCURRENCY } from '../../src/workers/delivery.worker.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, testConfig, testEnv } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import {
  createConfirmedRequestsInBulk,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
  notificationStatusCounts,
} from '../helpers/routing-factories.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

const CHATS = 20;
const REQUESTS = 200;

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/**
 * kill -9 of the worker process in the middle of sending. Telegram has no idempotent send, so a message
 * whose send was in flight at the kill (accepted by Telegram, not yet marked sent) may go out again after
 * the restart; nothing else may, and nothing may be lost.
 */
describe('the worker process killed with SIGKILL while sending', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  const prefix = freshRedisPrefix();
  let emulator: Emulator;
  let relay: RunningApp | undefined;
  const workers: SpawnedProcess[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await relay?.stop();
    await emulator?.stop();
    await sql.end();
  });

  it('delivers everything after a restart; a duplicate only for a send in flight at the kill', async () => {
    const env = testEnv({ TELEGRAM_API_ROOT: emulator.url, REDIS_PREFIX: prefix });
    relay = await startApp(testConfig(env), {
      role: 'relay',
      logger: createLogger({ level: 'silent' }),
      reconcileIntervalMs: 2000,
    });
    const firstWorker = spawnEntry('src/main.ts', ['--role=worker'], env);
    workers.push(firstWorker);
    await firstWorker.waitForLog(isStarted, 60_000);

    // Arrival time of every card at "Telegram", by request number.
    const arrivals = new Map<string, number[]>();
    emulator.onEvent((event) => {
      if (event.type !== 'message') return;
      const number = /№ \d+/.exec(event.message.text ?? '')?.[0];
      if (number) arrivals.set(number, [...(arrivals.get(number) ?? []), Date.now()]);
    });

    const district = await districtByCode(db, 'krasnoe');
    const familyIds: number[] = [];
    for (let i = 0; i < CHATS; i += 1) {
      const chat = emulator.createUser({ first_name: `Куратор ${i}` }).id;
      const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
      const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: curator.id });
      familyIds.push(family.id);
    }
    const created = await createConfirmedRequestsInBulk(db, familyIds, REQUESTS);

    await eventually(async () => ((await notificationStatusCounts(db)).sent ?? 0) >= 40, 60_000, '40 sent');
    firstWorker.signal('SIGKILL');
    expect((await firstWorker.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    // What PostgreSQL knew at the kill: anything not marked sent then may have been in flight.
    const notSentAtKill = new Set(
      (
        await db
          .select({ number: requests.number })
          .from(notifications)
          .innerJoin(requests, eq(requests.id, notifications.requestId))
          .where(eq(notifications.status, 'pending'))
      ).map((row) => `№ ${row.number}`),
    );
    expect(notSentAtKill.size).toBeGreaterThan(0);

    const secondWorker = spawnEntry('src/main.ts', ['--role=worker'], env);
    workers.push(secondWorker);
    await secondWorker.waitForLog(isStarted, 60_000);
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === REQUESTS,
      150_000,
      'all notifications sent',
    );

    // None lost.
    for (const request of created)
      expect(arrivals.get(`№ ${request.number}`)?.length ?? 0).toBeGreaterThan(0);
    // Duplicates: only cards not marked sent at the kill whose first copy had already reached Telegram
    // (the send in flight), at most one extra copy each, at most as many as the sends a worker runs at once.
    const duplicated = [...arrivals].filter(([, times]) => times.length > 1);
    for (const [number, times] of duplicated) {
      expect(times).toHaveLength(2);
      expect(notSentAtKill.has(number)).toBe(true);
      expect(times[0]!).toBeLessThanOrEqual(killedAt);
      expect(times[1]!).toBeGreaterThan(killedAt);
    }
    expect(duplicated.length).toBeLessThanOrEqual(DELIVERY_CONCURRENCY);
    expect(emulator.stats().acceptedSends).toBe(REQUESTS + duplicated.length);
  }, 300_000);
});
