import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/client.js';
import { districts, families, notifications } from '../db/schema/index.js';
import { createNotificationRegistry } from '../features/delivery/notification-registry.js';
import { createRoutingNotifications } from '../features/routing/routing.content.js';
import { toldFamilyReassignedTo } from '../features/supervision/supervision.notices.js';
import { createI18n } from '../i18n.js';
import { createLogger } from '../logger.js';
import { createDeliveryMetrics } from '../metrics/delivery.metrics.js';
import { createSendSlots, noSendLimits } from '../telegram/send-slots.js';
import type { TelegramSender } from '../telegram/telegram-sender.js';
import { createDeliveryProcessor, MAX_SEND_ATTEMPTS } from './delivery.worker.js';

describe('the delivery processor', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 6 });
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(async () => {
    redis.disconnect();
    await sql.end();
  });

  it('sends a notification once when two turns of it run at the same time, even with Redis wiped', async () => {
    const [district] = await db.select({ id: districts.id }).from(districts).limit(1);
    const [family] = await db.insert(families).values({ districtId: district!.id }).returning();
    const [notification] = await db
      .insert(notifications)
      .values({
        dedupeKey: 'processor-test:1',
        kind: 'family_without_curator',
        chatId: 42,
        payload: { familyId: family!.id },
      })
      .returning();
    let sends = 0;
    // A slow Telegram: the second turn comes while the first send is in flight.
    const sender: TelegramSender = {
      async sendText() {
        sends += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { kind: 'sent', messageId: 77 };
      },
    };
    // Each turn sees its own Redis state, as after a wipe in the middle of the first send (the lane rebuilt,
    // the chat slots empty): Redis cannot keep them apart, only PostgreSQL can.
    const processorWithOwnRedisState = (name: string) =>
      createDeliveryProcessor({
        db,
        i18n: createI18n(),
        timeZone: 'Europe/Moscow',
        notifications: createNotificationRegistry([
          createRoutingNotifications({ toldReassignedTo: toldFamilyReassignedTo }),
        ]),
        sender,
        slots: createSendSlots({ redis, prefix: `${globalThis.process.env.REDIS_PREFIX}:processor-${name}` }),
        metrics: createDeliveryMetrics(),
        logger: createLogger({ level: 'silent' }),
      });
    const [first, second] = [processorWithOwnRedisState('a'), processorWithOwnRedisState('b')];
    const turns = await Promise.all([first(notification!.id), second(notification!.id)]);
    expect(sends).toBe(1);
    // One sent it and leaves the lane; the other found the row taken and keeps its chat waiting a gap.
    expect(turns.map((turn) => [turn.outcome, turn.done]).sort()).toEqual([
      ['busy', false],
      ['sent', true],
    ]);

    // When the waiting one's turn comes back the notification is sent: it only leaves the lane.
    expect(await second(notification!.id)).toEqual({ outcome: 'nothing to do', done: true, nextInMs: 0 });
    expect(sends).toBe(1);
  });

  it('a message whose recording always fails goes out twice at most, then is marked sent on its own', async () => {
    const [notification] = await db
      .insert(notifications)
      .values({
        dedupeKey: 'processor-test:broken-record',
        kind: 'test_broken_record',
        chatId: 43,
        payload: {},
      })
      .returning();
    let sends = 0;
    const sender: TelegramSender = {
      async sendText() {
        sends += 1;
        return { kind: 'sent', messageId: 100 + sends };
      },
    };
    const processor = createDeliveryProcessor({
      db,
      i18n: createI18n(),
      timeZone: 'Europe/Moscow',
      notifications: createNotificationRegistry([
        {
          kinds: ['test_broken_record'],
          // A feature's write in the sending transaction that fails every time (not an outage).
          render: async () => ({
            text: 'Проверка',
            afterSent: async () => {
              throw new Error('always fails');
            },
          }),
        },
      ]),
      sender,
      // No pacing: the turns come one after another here, not a gap apart.
      slots: createSendSlots({
        redis,
        prefix: `${globalThis.process.env.REDIS_PREFIX}:processor-broken`,
        limits: noSendLimits,
      }),
      metrics: createDeliveryMetrics(),
      logger: createLogger({ level: 'silent' }),
    });
    // The first failure may be passing (a deadlock): tried again after the growing pause, as a failed send.
    const first = await processor(notification!.id);
    expect(first).toMatchObject({ outcome: 'error', done: false });
    expect(first.nextInMs).toBeGreaterThanOrEqual(1000);
    // The second: the message is marked sent as it went, without the write that keeps failing.
    expect(await processor(notification!.id)).toMatchObject({ outcome: 'sent', done: true });
    expect(sends).toBe(2);
    const [row] = await db.select().from(notifications).where(eq(notifications.id, notification!.id));
    expect(row).toMatchObject({ status: 'sent', telegramMessageId: 102 });
    // Recorded: another turn only leaves the lane, and nothing more goes out.
    expect(await processor(notification!.id)).toEqual({ outcome: 'nothing to do', done: true, nextInMs: 0 });
    expect(sends).toBe(2);
  });

  it('a send that keeps failing is tried MAX_SEND_ATTEMPTS times, then given up with its reason', async () => {
    const [notification] = await db
      .insert(notifications)
      .values({ dedupeKey: 'processor-test:network', kind: 'test_network', chatId: 44, payload: {} })
      .returning();
    let sends = 0;
    const sender: TelegramSender = {
      async sendText() {
        sends += 1;
        return { kind: 'transient', reason: 'network: socket hang up' };
      },
    };
    const processor = createDeliveryProcessor({
      db,
      i18n: createI18n(),
      timeZone: 'Europe/Moscow',
      notifications: createNotificationRegistry([
        { kinds: ['test_network'], render: async () => ({ text: 'Проверка' }) },
      ]),
      sender,
      slots: createSendSlots({
        redis,
        prefix: `${globalThis.process.env.REDIS_PREFIX}:processor-network`,
        limits: noSendLimits,
      }),
      metrics: createDeliveryMetrics(),
      logger: createLogger({ level: 'silent' }),
    });
    for (let attempt = 1; attempt < MAX_SEND_ATTEMPTS; attempt += 1) {
      expect(await processor(notification!.id)).toMatchObject({ outcome: 'retry', done: false });
    }
    expect(await processor(notification!.id)).toMatchObject({ outcome: 'failed', done: true });
    expect(sends).toBe(MAX_SEND_ATTEMPTS);
    const [row] = await db.select().from(notifications).where(eq(notifications.id, notification!.id));
    expect(row).toMatchObject({
      status: 'failed',
      attempts: MAX_SEND_ATTEMPTS,
      lastError: `gave up after ${MAX_SEND_ATTEMPTS} attempts: network: socket hang up`,
    });
    // Given up: another turn only leaves the lane.
    expect(await processor(notification!.id)).toEqual({ outcome: 'nothing to do', done: true, nextInMs: 0 });
    expect(sends).toBe(MAX_SEND_ATTEMPTS);
  });
});
