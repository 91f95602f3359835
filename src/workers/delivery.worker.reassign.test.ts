import { and, eq, sql as raw } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../test/helpers/factories.js';
import {
  createConfirmedRequest,
  createStaffMember,
  districtByCode,
} from '../../test/helpers/routing-factories.js';
import { createDb } from '../db/client.js';
import { notifications, requests } from '../db/schema/index.js';
import { defaultPolicies } from '../deadline-policies.js';
import { deadlineNotificationKinds, fireEscalation } from '../features/deadlines/deadlines.usecases.js';
import { retractionKind } from '../features/delivery/retraction.js';
import { notifyReassignment } from '../features/supervision/supervision.notices.js';
import { reassignRequest } from '../features/supervision/supervision.usecases.js';
import { createI18n } from '../i18n.js';
import { createLogger } from '../logger.js';
import { createDeliveryMetrics } from '../metrics/delivery.metrics.js';
import { createAppNotifications } from '../roles/pipeline.js';
import { createSendSlots } from '../telegram/send-slots.js';
import type { TelegramSender } from '../telegram/telegram-sender.js';
import { createDeliveryProcessor } from './delivery.worker.js';

/**
 * Issue 13 §2, the narrowest case: the reminder to the previous curator is on its way to Telegram at the very
 * moment the supervisor's reassignment commits. Taking back the previous curator's messages waits for that
 * send to end and then takes the reminder back; it does not miss it as «not sent yet».
 */
describe('a reminder in flight during a reassignment', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 6 });
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(async () => {
    redis.disconnect();
    await sql.end();
  });

  it('is taken back once its send ends', async () => {
    const district = await districtByCode(db, 'dankov');
    const [oleg, anna, elena] = [9_100_001, 9_100_002, 9_100_003];
    const olegStaff = await createStaffMember(db, { telegramId: oleg, districtIds: [district.id] });
    const annaStaff = await createStaffMember(db, { telegramId: anna, districtIds: [district.id] });
    await createStaffMember(db, { telegramId: elena, role: 'supervisor', districtIds: [district.id] });
    const { family } = await createRegisteredFamily(db, {
      telegramId: 9_100_004,
      districtId: district.id,
      curatorId: olegStaff.id,
    });
    const request = await createConfirmedRequest(db, { familyId: family.id });
    // Routed to Олег, as routing would have done.
    await db
      .update(requests)
      .set({ curatorId: olegStaff.id, status: 'assigned', assignedAt: new Date() })
      .where(eq(requests.id, request.id));
    const fired = await fireEscalation(
      { db, policies: defaultPolicies, now: request.takeDeadlineAt },
      { requestId: request.id, clock: 'take', level: 'reminder' },
    );
    const [reminderId] = fired.notificationIds;
    expect(reminderId).toBeDefined();

    // A Telegram that holds the send until the reassignment has committed and its retraction has started.
    let sending!: () => void;
    const sendStarted = new Promise<void>((resolve) => {
      sending = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sender: TelegramSender = {
      async sendText() {
        sending();
        await released;
        return { kind: 'sent', messageId: 4242 };
      },
    };
    const process = createDeliveryProcessor({
      db,
      i18n: createI18n(),
      timeZone: 'Europe/Moscow',
      notifications: createAppNotifications(),
      sender,
      slots: createSendSlots({ redis, prefix: `${globalThis.process.env.REDIS_PREFIX}:in-flight` }),
      metrics: createDeliveryMetrics(),
      logger: createLogger({ level: 'silent' }),
    });
    const order: string[] = [];
    const delivered = process(reminderId!).then((turn) => order.push(`delivery: ${turn.outcome}`));
    await sendStarted;

    const moved = await reassignRequest(db, {
      telegramId: elena,
      requestId: request.id,
      toStaffId: annaStaff.id,
    });
    expect(moved.ok).toBe(true);
    const taken = notifyReassignment(
      { db },
      {
        kind: 'request_reassigned',
        outboxId: 987_654,
        payload: {
          requestId: request.id,
          fromStaffId: olegStaff.id,
          toStaffId: annaStaff.id,
          byStaffId: annaStaff.id,
        },
      },
    ).then((ids) => {
      order.push('retraction');
      return ids;
    });
    // The retraction waits on the reminder's row, held by the send (or, were it not to wait, is done already):
    // only then does the send end.
    const waitingOnLock = async () =>
      (
        await db.execute<{ n: number }>(
          raw`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )
      )[0]?.n ?? 0;
    for (let polls = 0; order.length === 0 && (await waitingOnLock()) === 0 && polls < 500; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await Promise.all([delivered, taken]);

    expect(order).toEqual(['delivery: sent', 'retraction']);
    const [retraction] = await db
      .select({ chatId: notifications.chatId, status: notifications.status })
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, retractionKind),
          eq(notifications.chatId, oleg),
          raw`(${notifications.payload}->>'messageId')::int = 4242`,
        ),
      );
    expect(retraction).toEqual({ chatId: oleg, status: 'pending' });
    const [reminder] = await db
      .select({ status: notifications.status, kind: notifications.kind })
      .from(notifications)
      .where(eq(notifications.id, reminderId!));
    expect(reminder).toEqual({ status: 'sent', kind: deadlineNotificationKinds.reminder });
  });
});
