import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications, requests } from '../../src/db/schema/index.js';
import { DELIVERY_CONCURRENCY } from '../../src/workers/delivery.worker.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import {
  createConfirmedRequestsInBulk,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
  notificationStatusCounts,
} from '../helpers/routing-factories.js';

const CHATS = 20;
const REQUESTS = 200;

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/**
 * kill -9 of the worker process in the middle of sending. Telegram has no idempotent send, so a message
 * whose send was in flight at the kill (accepted by Telegram, not yet marked sent) may go out again after
 * the restart; nothing else may, and nothing may be lost.
 */
describe('the worker process killed with SIGKILL while sending', () => {
  // The workers are processes of their own: the test kills one with SIGKILL.
  const e2e = useE2E({ bot: false, pipeline: false, limits: { global: 30, perChat: 1 } });

  it('delivers everything after a restart; a duplicate only for a send in flight at the kill', async () => {
    await e2e.startRole('relay', { reconcileIntervalMs: 2000 });
    const firstWorker = e2e.spawnRole('worker');
    await firstWorker.waitForLog(isStarted, 60_000);

    // Arrival time of every card at "Telegram", by request number.
    const arrivals = new Map<string, number[]>();
    e2e.emulator.onEvent((event) => {
      if (event.type !== 'message') return;
      const number = /№ \d+/.exec(event.message.text ?? '')?.[0];
      if (number) arrivals.set(number, [...(arrivals.get(number) ?? []), Date.now()]);
    });

    const district = await districtByCode(e2e.db, 'krasnoe');
    const familyIds: number[] = [];
    for (let i = 0; i < CHATS; i += 1) {
      const chat = e2e.emulator.createUser({ first_name: `Куратор ${i}` }).id;
      const curator = await createStaffMember(e2e.db, { telegramId: chat, districtIds: [district.id] });
      const { family } = await createFamilyWithMember(e2e.db, {
        districtId: district.id,
        curatorId: curator.id,
      });
      familyIds.push(family.id);
    }
    const created = await createConfirmedRequestsInBulk(e2e.db, familyIds, REQUESTS);

    await eventually(
      async () => ((await notificationStatusCounts(e2e.db)).sent ?? 0) >= 40,
      60_000,
      '40 sent',
    );
    firstWorker.signal('SIGKILL');
    expect((await firstWorker.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    // What PostgreSQL knew at the kill: anything not marked sent then may have been in flight.
    const notSentAtKill = new Set(
      (
        await e2e.db
          .select({ number: requests.number })
          .from(notifications)
          .innerJoin(requests, eq(requests.id, notifications.requestId))
          .where(eq(notifications.status, 'pending'))
      ).map((row) => `№ ${row.number}`),
    );
    expect(notSentAtKill.size).toBeGreaterThan(0);

    const secondWorker = e2e.spawnRole('worker');
    await secondWorker.waitForLog(isStarted, 60_000);
    await eventually(
      async () => (await notificationStatusCounts(e2e.db)).sent === REQUESTS,
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
    expect(e2e.emulator.stats().acceptedSends).toBe(REQUESTS + duplicated.length);
  }, 300_000);
});
