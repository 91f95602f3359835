import { DelayedError, type Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/client.js';
import { districts, families, notifications } from '../db/schema/index.js';
import { createDeliveryMetrics } from '../features/delivery/delivery.metrics.js';
import { createNotificationRegistry } from '../features/delivery/notification-registry.js';
import { routingNotifications } from '../features/routing/routing.content.js';
import { createI18n } from '../i18n.js';
import { createLogger } from '../logger.js';
import { createSendSlots } from '../telegram/send-slots.js';
import type { TelegramSender } from '../telegram/telegram-sender.js';
import { createDeliveryProcessor } from './delivery.worker.js';

describe('the delivery processor', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 6 });
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(async () => {
    redis.disconnect();
    await sql.end();
  });

  it('sends a notification once when two jobs for it run at the same time, even with Redis wiped', async () => {
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
    // A slow Telegram: the second job arrives while the first send is in flight.
    const sender: TelegramSender = {
      async sendText() {
        sends += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { kind: 'sent', messageId: 77 };
      },
    };
    // Each job sees its own Redis state, as after a wipe in the middle of the first send: the chat slots
    // cannot keep them apart, only PostgreSQL can.
    const processorWithOwnRedisState = (name: string) =>
      createDeliveryProcessor({
        db,
        i18n: createI18n(),
        timeZone: 'Europe/Moscow',
        notifications: createNotificationRegistry([routingNotifications]),
        sender,
        slots: createSendSlots({ redis, prefix: `${globalThis.process.env.REDIS_PREFIX}:processor-${name}` }),
        deliveryQueue: {} as Queue,
        metrics: createDeliveryMetrics(),
        logger: createLogger({ level: 'silent' }),
      });
    const [first, second] = [processorWithOwnRedisState('a'), processorWithOwnRedisState('b')];
    const delayedUntil: number[] = [];
    const jobFor = () =>
      ({
        data: { notificationId: notification!.id },
        async moveToDelayed(timestamp: number) {
          delayedUntil.push(timestamp);
        },
      }) as unknown as Job;

    const results = await Promise.allSettled([first(jobFor(), 'a'), second(jobFor(), 'b')]);
    expect(sends).toBe(1);
    expect(results.filter((result) => result.status === 'fulfilled').map((r) => r.value)).toEqual(['sent']);
    const [rejected] = results.filter((result) => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(DelayedError);
    expect(delayedUntil).toHaveLength(1);

    // When the delayed job comes back the notification is sent: nothing happens.
    expect(await second(jobFor(), 'b')).toBe('nothing to do');
    expect(sends).toBe(1);
  });
});
