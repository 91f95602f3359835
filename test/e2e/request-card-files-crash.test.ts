import { DelayedError, type Job, type Queue } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppNotifications } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { messages, notifications } from '../../src/db/schema/index.js';
import { createDeliveryMetrics } from '../../src/features/delivery/delivery.metrics.js';
import { relayNotificationKinds } from '../../src/features/relay/relay.kinds.js';
import { cardFilesKind } from '../../src/features/request-card/request-card.files.js';
import { createRequest } from '../../src/features/requests/requests.usecases.js';
import { routeRequest } from '../../src/features/routing/routing.usecases.js';
import { createI18n } from '../../src/i18n.js';
import { createLogger } from '../../src/logger.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { createSendSlots } from '../../src/telegram/send-slots.js';
import { createTelegramSender } from '../../src/telegram/telegram-sender.js';
import { createDeliveryProcessor } from '../../src/workers/delivery.worker.js';
import { TEST_BOT_TOKEN } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * A crash between a card and its files, and in the middle of a message sent in parts, under Telegram's
 * limits: nothing is lost, and nothing goes out twice (README «The one possible duplicate»: only a send in
 * flight at the crash may). The worker "dies" by throwing where a real process would stop: after the commit
 * that marks the card sent, before its files were queued in Redis.
 */
const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
const redis = new Redis(process.env.REDIS_URL!);
let emulator: Emulator;
let serial = 0;

beforeAll(async () => {
  emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
  await emulator.start();
});
afterAll(async () => {
  await emulator?.stop();
  redis.disconnect();
  await sql.end();
});

/** A delivery processor of a worker process; `queue` stands for its Redis queue. */
function processor(prefix: string, queue: Partial<Queue>) {
  return createDeliveryProcessor({
    db,
    i18n: createI18n(),
    timeZone: 'Europe/Moscow',
    notifications: createAppNotifications(),
    sender: createTelegramSender({ token: TEST_BOT_TOKEN, apiRoot: emulator.url }),
    slots: createSendSlots({ redis, prefix }),
    deliveryQueue: queue as Queue,
    metrics: createDeliveryMetrics(),
    logger: createLogger({ level: 'silent' }),
  });
}

const jobFor = (notificationId: number) =>
  ({ data: { notificationId }, async moveToDelayed() {} }) as unknown as Job;

/** Runs a job to its end as a worker would: a delayed job (a chat's gap, a step of several) runs again. */
async function runToEnd(run: ReturnType<typeof processor>, notificationId: number) {
  for (let turn = 0; turn < 20; turn++) {
    try {
      return await run(jobFor(notificationId));
    } catch (error) {
      if (!(error instanceof DelayedError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1200));
    }
  }
  throw new Error('the job never finished');
}

const bodyOf = (m: StoredMessage) => m.text ?? m.caption ?? '';

/** A curator of Усмань with a chat, a family of theirs with a chat, and a Redis prefix of their own. */
async function curatorAndFamily(curatorName: string, familyName: string) {
  serial += 1;
  const prefix = `${process.env.REDIS_PREFIX}_crash_${serial}`;
  const district = await districtByCode(db, 'usman');
  const curatorChat = emulator.createUser({ first_name: curatorName }).id;
  const curator = await createStaffMember(db, { telegramId: curatorChat, districtIds: [district.id] });
  const familyUser = emulator.createUser({ first_name: familyName });
  const { family, member } = await createRegisteredFamily(db, {
    telegramId: familyUser.id,
    curatorId: curator.id,
    districtId: district.id,
  });
  return { prefix, curatorChat, curator, familyUser, family, member };
}

describe('a worker that dies between a card and its files', () => {
  it('the files still come, once each, threaded to the card; the card is not sent again', async () => {
    const { prefix, curatorChat, familyUser, family, member } = await curatorAndFamily('Анна', 'Мария');
    // The family's photo and PDF, as Telegram knows them.
    emulator.sendPhoto(familyUser.id);
    emulator.sendDocument(familyUser.id, { file_name: 'справка.pdf', mime_type: 'application/pdf' });
    const [photo, pdf] = emulator.messages(familyUser.id);
    const created = await createRequest(
      { db, timeZone: 'Europe/Moscow' },
      {
        familyId: family.id,
        memberId: member.id,
        submissionKey: `crash-test-${serial}-key`,
        draft: {
          category: 'legal',
          details: { topic: 'documents', description: 'Нужна справка о составе семьи' },
        },
        attachments: [
          { kind: 'photo', fileId: photo!.photo!.at(-1)!.file_id },
          { kind: 'document', fileId: pdf!.document!.file_id, fileName: 'справка.pdf' },
        ],
      },
    );
    if (!created.ok) throw new Error('request not created');
    const routed = await routeRequest({ db }, created.request.id);
    const [cardId] = routed.notificationIds;

    // The first worker sends the card, commits, and dies before its files reach Redis.
    const dying = processor(prefix, {
      addBulk: async () => {
        throw new Error('the process died here');
      },
    });
    await expect(runToEnd(dying, cardId!)).rejects.toThrow('the process died here');
    const [card] = emulator.messages(curatorChat, { from: 'bot' });
    expect(bodyOf(card!)).toContain(`Новая заявка № ${created.request.number}`);
    const files = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.kind, cardFilesKind), eq(notifications.requestId, created.request.id)));
    expect(files.map((row) => row.status)).toEqual(['pending', 'pending']);

    // A new worker and relay start (their reconciler rebuilds the jobs from PostgreSQL): the files arrive.
    const pipeline = await startDeliveryPipeline({
      apiRoot: emulator.url,
      redisPrefix: prefix,
      reconcileIntervalMs: 1000,
    });
    try {
      const replies = await eventually(
        async () => {
          const under = emulator
            .messages(curatorChat, { from: 'bot' })
            .filter((m) => m.reply_to_message?.message_id === card!.message_id);
          return under.length >= 2 && under;
        },
        20_000,
        'the files under the card',
      );
      // Time for anything sent twice to show.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(replies.map((m) => (m.photo ? 'photo' : m.document?.file_name))).toEqual([
        'photo',
        'справка.pdf',
      ]);
      expect(emulator.messages(curatorChat, { from: 'bot' })).toHaveLength(3);
      // The card's job run again (a stalled job, a wiped Redis) does nothing.
      expect(await runToEnd(processor(prefix, { addBulk: async () => [] }), cardId!)).toBe('nothing to do');
      expect(emulator.messages(curatorChat, { from: 'bot' })).toHaveLength(3);
      expect(emulator.stats().tooManyRequests).toBe(0);
    } finally {
      await pipeline.stop();
    }
  });
});

describe('a worker that dies in the middle of a message sent in parts', () => {
  it('the next worker sends the parts not yet sent, in order, and none of the sent ones again', async () => {
    const { prefix, curatorChat, curator, familyUser, family, member } = await curatorAndFamily(
      'Олег',
      'Ирина',
    );
    // A 9,000-character message of the family, relayed to the curator: three parts.
    const words = Array.from({ length: 1500 }, (_, i) => `слово${i}`).join(' ');
    const text = words.slice(0, words.lastIndexOf(' ', 9000));
    const [row] = await db
      .insert(messages)
      .values({
        familyId: family.id,
        direction: 'family_to_staff',
        senderMemberId: member.id,
        kind: 'text',
        text,
        familyChatId: familyUser.id,
        familyMessageId: 1,
      })
      .returning();
    const [copy] = await db
      .insert(notifications)
      .values({
        kind: relayNotificationKinds.toStaff,
        dedupeKey: `crash-test-copy-${serial}`,
        recipientStaffId: curator.id,
        chatId: curatorChat,
        payload: { messageId: row!.id },
      })
      .returning();

    // The first part goes and is recorded; the worker dies before the job is put back.
    const first = processor(prefix, {});
    const dyingJob = {
      data: { notificationId: copy!.id },
      async moveToDelayed() {
        throw new Error('the process died here');
      },
    } as unknown as Job;
    await expect(first(dyingJob)).rejects.toThrow('the process died here');
    expect(emulator.messages(curatorChat, { from: 'bot' })).toHaveLength(1);

    expect(await runToEnd(processor(prefix, {}), copy!.id)).toBe('sent');
    const parts = emulator.messages(curatorChat, { from: 'bot' }).map(bodyOf);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/^💬 Мария Иванова/);
    expect(parts.filter((part) => part.startsWith('💬'))).toHaveLength(1);
    expect(parts.every((part) => part.length <= 4096)).toBe(true);
    const heading = parts[0]!.slice(0, parts[0]!.indexOf('\n\n') + 2);
    expect([parts[0]!.slice(heading.length), ...parts.slice(1)].join(' ')).toBe(text);
    expect(emulator.stats().perChat[String(curatorChat)]?.tooManyRequests).toBe(0);
    // The curator's reply to the last part finds the family's message.
    const [sent] = await db.select().from(notifications).where(eq(notifications.id, copy!.id));
    const lastPartId = emulator.messages(curatorChat, { from: 'bot' }).at(-1)!.message_id;
    expect(sent?.payload.sentSteps).toEqual(
      emulator.messages(curatorChat, { from: 'bot' }).map((m) => [m.message_id]),
    );
    expect(JSON.stringify(sent?.payload.sentSteps)).toContain(String(lastPartId));
  });
});
