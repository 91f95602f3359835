import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.js';
import { districts, families, notifications, outbox } from '../../db/schema/index.js';
import { createLogger } from '../../logger.js';
import { writeOutbox } from '../../queue/outbox.js';
import { createDeliveryMetrics } from './delivery.metrics.js';
import { createOutboxRelay } from './outbox-relay.js';
import { createReconciler } from './reconciler.js';

const logger = createLogger({ level: 'silent' });

describe('outbox relay and reconciler', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 6 });
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  let serial = 0;
  const queues: Queue[] = [];
  const freshQueue = (name: string) => {
    serial += 1;
    const queue = new Queue(name, { connection, prefix: `${process.env.REDIS_PREFIX}:relay${serial}` });
    queues.push(queue);
    return queue;
  };
  let familyId: number;

  beforeAll(async () => {
    const [district] = await db.select({ id: districts.id }).from(districts).limit(1);
    const [family] = await db.insert(families).values({ districtId: district!.id }).returning();
    familyId = family!.id;
  });

  afterAll(async () => {
    for (const queue of queues) await queue.obliterate({ force: true }).catch(() => undefined);
    for (const queue of queues) await queue.close();
    connection.disconnect();
    await sql.end();
  });

  it('wakes on NOTIFY, not on its poll, and a second pass adds nothing', async () => {
    await db.delete(outbox);
    const routingQueue = freshQueue('routing');
    const metrics = createDeliveryMetrics();
    const relay = createOutboxRelay({ db, sql, routingQueue, logger, metrics, pollIntervalMs: 600_000 });
    await relay.start();
    try {
      const id = await db.transaction((tx) =>
        writeOutbox(tx, { kind: 'family_without_curator', payload: { familyId } }),
      );
      await expect.poll(() => routingQueue.getJob(`outbox-${id}`), { timeout: 5000 }).toBeTruthy();
      const job = await routingQueue.getJob(`outbox-${id}`);
      expect(job?.data).toEqual({ outboxId: id, kind: 'family_without_curator', payload: { familyId } });
      await relay.wake();
      await relay.wake();
      expect(await routingQueue.count()).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  it('two relays claim each row once', async () => {
    await db.delete(outbox);
    const routingQueue = freshQueue('routing');
    const metrics = [createDeliveryMetrics(), createDeliveryMetrics()];
    await db.transaction(async (tx) => {
      for (let i = 0; i < 300; i += 1) {
        await writeOutbox(tx, { kind: 'family_without_curator', payload: { familyId } });
      }
    });
    const relays = metrics.map((m) =>
      createOutboxRelay({
        db,
        sql,
        routingQueue,
        logger,
        metrics: m,
        pollIntervalMs: 600_000,
        batchSize: 20,
      }),
    );
    await Promise.all(relays.map((relay) => relay.wake()));
    const dispatched = await Promise.all(
      metrics.map(async (m) => (await m.relayDispatched.get()).values[0]?.value ?? 0),
    );
    expect(dispatched[0]! + dispatched[1]!).toBe(300);
    expect(await routingQueue.count()).toBe(300);
  });

  it('the reconciler queues pending notifications again, never one already sent', async () => {
    await db.delete(outbox);
    const routingQueue = freshQueue('routing');
    const deliveryQueue = freshQueue('delivery');
    const [pending, sent] = await db
      .insert(notifications)
      .values([
        {
          dedupeKey: `test:${serial}:pending`,
          kind: 'family_without_curator',
          chatId: 1,
          payload: { familyId },
        },
        {
          dedupeKey: `test:${serial}:sent`,
          kind: 'family_without_curator',
          chatId: 1,
          payload: { familyId },
          status: 'sent',
          telegramMessageId: 5,
        },
      ])
      .returning();
    const relay = createOutboxRelay({
      db,
      sql,
      routingQueue,
      logger,
      metrics: createDeliveryMetrics(),
      pollIntervalMs: 600_000,
    });
    const reconciler = createReconciler({ db, relay, routingQueue, deliveryQueue, logger });
    await reconciler.reconcileOnce();
    await reconciler.reconcileOnce();
    expect(await deliveryQueue.getJob(`notification-${pending!.id}`)).toBeTruthy();
    expect(await deliveryQueue.getJob(`notification-${sent!.id}`)).toBeUndefined();
    expect(await deliveryQueue.count()).toBe(1);
  });

  it('the reconciler replaces a job Redis kept only in part, which would never run', async () => {
    const routingQueue = freshQueue('routing');
    const deliveryQueue = freshQueue('delivery');
    const [orphaned, bare] = await db
      .insert(notifications)
      .values(
        ['orphaned', 'bare'].map((name) => ({
          dedupeKey: `test:${serial}:${name}`,
          kind: 'family_without_curator' as const,
          chatId: 1,
          payload: { familyId },
        })),
      )
      .returning();
    // Keys deleted one by one (not one FLUSHALL) while the queue runs: a job hash whose list is gone...
    await deliveryQueue.add(
      'deliver',
      { notificationId: orphaned!.id },
      { jobId: `notification-${orphaned!.id}` },
    );
    await connection.del(deliveryQueue.keys.wait!);
    // ...and a bare hash a worker re-created from a wiped job's id, failed for want of data.
    const bareId = `notification-${bare!.id}`;
    await connection.hset(deliveryQueue.toKey(bareId), {
      processedOn: Date.now(),
      ats: 1,
      failedReason: 'no data',
    });
    await connection.zadd(deliveryQueue.keys.failed!, Date.now(), bareId);
    expect(await deliveryQueue.getJobState(`notification-${orphaned!.id}`)).toBe('unknown');
    expect(await deliveryQueue.getJobState(bareId)).toBe('failed');

    const relay = createOutboxRelay({
      db,
      sql,
      routingQueue,
      logger,
      metrics: createDeliveryMetrics(),
      pollIntervalMs: 600_000,
    });
    await createReconciler({ db, relay, routingQueue, deliveryQueue, logger }).reconcileOnce();
    for (const notification of [orphaned!, bare!]) {
      const job = await deliveryQueue.getJob(`notification-${notification.id}`);
      expect(await job?.getState()).toBe('waiting');
      expect(job?.data).toEqual({ notificationId: notification.id });
    }
  });
});
