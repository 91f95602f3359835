import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.js';
import { districts, families, notifications, outbox } from '../../db/schema/index.js';
import { createLogger } from '../../logger.js';
import { createDeliveryMetrics } from '../../metrics/delivery.metrics.js';
import { writeOutbox } from '../../queue/outbox.js';
import { createDeliveryLanes, type DeliveryLanes } from './lanes.js';
import { createOutboxRelay } from './outbox-relay.js';
import { createReconciler, MAX_ROUTING_REQUEUES } from './reconciler.js';

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
  /** A relay that runs when woken (its poll is far off). */
  const quietRelay = (routingQueue: Queue, extra: Partial<Parameters<typeof createOutboxRelay>[0]> = {}) =>
    createOutboxRelay({
      db,
      sql,
      routingQueue,
      logger,
      metrics: createDeliveryMetrics(),
      pollIntervalMs: 600_000,
      ...extra,
    });

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

  /** Lanes of a prefix of their own; every kind ordinary (the classes are lanes.test.ts's business). */
  const freshLanes = () => {
    serial += 1;
    return createDeliveryLanes({
      redis: connection,
      prefix: `${process.env.REDIS_PREFIX}:lanes${serial}`,
      db,
      sendClassOf: () => 'notice',
    });
  };

  /** Every head the lanes give out now, chat by chat (each chat leased once). */
  async function allHeads(lanes: DeliveryLanes) {
    const { heads } = await lanes.take(1000, 60_000);
    return heads.map((head) => head.notificationId).sort((a, b) => a - b);
  }

  it('the reconciler puts pending notifications in their lanes again, never one already sent', async () => {
    await db.delete(outbox);
    await db.delete(notifications);
    const routingQueue = freshQueue('routing');
    const lanes = freshLanes();
    const [pending, , otherChat] = await db
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
          chatId: 2,
          payload: { familyId },
          status: 'sent',
          telegramMessageId: 5,
        },
        {
          dedupeKey: `test:${serial}:other`,
          kind: 'family_without_curator',
          chatId: 3,
          payload: { familyId },
        },
      ])
      .returning();
    const relay = quietRelay(routingQueue);
    const reconciler = createReconciler({ db, relay, routingQueue, lanes, logger });
    await reconciler.reconcileOnce();
    await reconciler.reconcileOnce();
    expect(await allHeads(lanes)).toEqual([pending!.id, otherChat!.id]);
  });

  it('a dispatched event whose routing job keeps going is queued again, up to a bound, then logged as an error', async () => {
    await db.delete(outbox);
    const routingQueue = freshQueue('routing');
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const errorLogger = createLogger({ level: 'warn', destination });
    // Dispatched, its job gone (a wipe), never routed: queued again.
    const [event] = await db
      .insert(outbox)
      .values({
        kind: 'message_relayed',
        payload: { messageId: 1 },
        status: 'dispatched',
        dispatchedAt: new Date(),
        attempts: MAX_ROUTING_REQUEUES,
      })
      .returning();
    const reconciler = createReconciler({
      db,
      relay: quietRelay(routingQueue),
      routingQueue,
      lanes: freshLanes(),
      logger: errorLogger,
    });
    await reconciler.reconcileOnce();
    expect(await routingQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    // The job made that many times and gone each time (its routing failed): the event is left, with an error.
    expect(
      lines.some((line) => line.includes('no longer queued again') && line.includes('"level":"error"')),
    ).toBe(true);
    await routingQueue.obliterate({ force: true });
    await reconciler.reconcileOnce();
    expect(await routingQueue.getJobCounts('waiting')).toEqual({ waiting: 0 });
    const [row] = await db.select().from(outbox);
    expect([row!.id, row!.routedAt, row!.attempts]).toEqual([event!.id, null, MAX_ROUTING_REQUEUES + 1]);
  });

  it('the reconciler puts back chats whose schedule or lane Redis lost', async () => {
    await db.delete(notifications);
    const routingQueue = freshQueue('routing');
    const lanes = freshLanes();
    const rows = await db
      .insert(notifications)
      .values(
        [1, 2].map((chatId) => ({
          dedupeKey: `test:${serial}:${chatId}`,
          kind: 'family_without_curator' as const,
          chatId,
          payload: { familyId },
        })),
      )
      .returning();
    await lanes.add(rows.map((row) => row.id));
    // Keys deleted one by one (not one FLUSHALL): the schedule of due chats goes, and one chat's lane; the
    // other lane stays.
    const dueKeys = await connection.keys(`${process.env.REDIS_PREFIX}:lanes${serial}:due:*`);
    expect(dueKeys.length).toBeGreaterThan(0);
    await connection.del(...dueKeys, `${process.env.REDIS_PREFIX}:lanes${serial}:lane:2`);
    expect(await allHeads(lanes)).toEqual([]);

    const relay = quietRelay(routingQueue);
    await createReconciler({ db, relay, routingQueue, lanes, logger }).reconcileOnce();
    expect(await allHeads(lanes)).toEqual(rows.map((row) => row.id));
  });

  it('routes the kinds it routes itself with no routing job, and the batch by jobs when that routing fails', async () => {
    await db.delete(outbox);
    const routingQueue = freshQueue('routing');
    const added: number[][] = [];
    const lanes = { add: async (ids: number[]) => void added.push(ids) } as unknown as DeliveryLanes;
    let failing = false;
    const relay = quietRelay(routingQueue, {
      inline: {
        route: async (_tx, events) => {
          if (failing) throw new Error('routing broke');
          const here = events.map(
            (event) => event.kind === 'message_relayed' && event.payload.messageId === 1,
          );
          return { notifications: here.some(Boolean) ? [41, 42] : [], routed: here };
        },
        lanes,
      },
    });
    const write = (messageId: number) =>
      db.transaction((tx) => writeOutbox(tx, { kind: 'message_relayed', payload: { messageId } }));
    try {
      const routedHere = await write(1);
      const leftToAJob = await write(2);
      await relay.wake();
      expect(added).toEqual([[41, 42]]);
      expect(await routingQueue.getJob(`outbox-${routedHere}`)).toBeUndefined();
      expect(await routingQueue.getJob(`outbox-${leftToAJob}`)).toBeTruthy();
      const marks = await db.select({ id: outbox.id, routedAt: outbox.routedAt }).from(outbox);
      expect(marks.find((row) => row.id === routedHere)?.routedAt).toBeInstanceOf(Date);
      expect(marks.find((row) => row.id === leftToAJob)?.routedAt).toBeNull();
      failing = true;
      const afterFailure = await write(1);
      await relay.wake();
      expect(await routingQueue.getJob(`outbox-${afterFailure}`)).toBeTruthy();
      const pending = await db.select().from(outbox);
      expect(pending.every((row) => row.status === 'dispatched')).toBe(true);
    } finally {
      await relay.stop();
    }
  });
});
