import { inArray, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/client.js';
import { notifications, staff } from '../db/schema/index.js';
import { createDeliveryLanes } from '../features/delivery/lanes.js';
import {
  createNotificationRegistry,
  type NotificationRenderer,
} from '../features/delivery/notification-registry.js';
import { messageIdsOf, withdrawPending } from '../features/delivery/retraction.js';
import { createUnrecordedSends } from '../features/delivery/unrecorded-sends.js';
import { createI18n } from '../i18n.js';
import { createLogger } from '../logger.js';
import { createDeliveryMetrics } from '../metrics/delivery.metrics.js';
import { createSendSlots, noSendLimits } from '../telegram/send-slots.js';
import type { SendOutcome, TelegramSender } from '../telegram/telegram-sender.js';
import { createDeliveryProcessor, startDeliveryWorker } from './delivery.worker.js';

/**
 * Batched turns (createBatchSend): the heads of several chats that come due together go from one claim, one
 * `sent` statement and one commit. What each chat receives and what the database holds must be as if each
 * had gone alone.
 */
describe('batched delivery turns', () => {
  const { db, sql: client } = createDb(process.env.DATABASE_URL!, { max: 6 });
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(async () => {
    redis.disconnect();
    await client.end();
  });

  const received: Array<{ chatId: number; text: string }> = [];
  /** Telegram: answers `sent` with a growing id, or what `answer` says for a chat. */
  const answers = new Map<number, SendOutcome>();
  /** Chats whose sends Telegram holds unanswered until the test lets them go (hold). */
  const held = new Map<number, { started: () => void; answer: Promise<void> }>();
  let nextMessageId = 1000;
  const sender: TelegramSender = {
    /** An album (the only step these tests plan): a message per item. */
    async sendStep(chatId, step) {
      const items = step.type === 'album' ? step.media.length : 1;
      received.push({ chatId, text: `${items} items` });
      const messageIds = Array.from({ length: items }, () => nextMessageId++);
      return { kind: 'sent', messageId: messageIds[0]!, messageIds };
    },
    async sendText(chatId, text) {
      received.push({ chatId, text });
      const hold = held.get(chatId);
      if (hold) {
        hold.started();
        await hold.answer;
      }
      return answers.get(chatId) ?? { kind: 'sent', messageId: nextMessageId++ };
    },
  };

  /**
   * Telegram holds the sends to this chat without an answer until `answer()`; `started` resolves when the
   * first of them has gone out.
   */
  function hold(chatId: number) {
    let started = () => {};
    let answer = () => {};
    const sendStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    held.set(chatId, {
      started,
      answer: new Promise<void>((resolve) => {
        answer = () => {
          held.delete(chatId);
          resolve();
        };
      }),
    });
    return { started: sendStarted, answer };
  }

  /**
   * What a withdrawal does (a reassignment's or a deactivation's, retraction.ts): locks the row FOR UPDATE —
   * waiting for a send in flight — and withdraws it if it is still pending. Resolves once it waits for the
   * lock; `done` with the status it found.
   */
  async function withdrawalWaitingFor(id: number) {
    const done = db.transaction(async (tx) => {
      const [row] = await tx.execute<{ status: string }>(
        sql`select status /* batch-test-withdrawal */ from ${notifications} where id = ${id} for update`,
      );
      if (row?.status === 'pending') await withdrawPending(tx, [id]);
      return row?.status;
    });
    await expect
      .poll(async () => {
        const [waiting] = await db.execute<{ count: number }>(sql`
          select count(*)::int as count from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
            and query like '%batch-test-withdrawal%' and pid <> pg_backend_pid()`);
        return waiting?.count;
      })
      .toBe(1);
    return { done };
  }

  /**
   * A kind whose content writes, with its `sent` mark (`sentWith`), the id Telegram gave into another row's
   * `last_error` (the marker): as a relayed copy writes its id on the message it copies. A marker id of -1
   * makes that write fail (not an outage).
   */
  const renderTest: NotificationRenderer = async (_deps, notification) => {
    const marker = Number(notification.payload.marker);
    const album = Number(notification.payload.album);
    return {
      text: String(notification.payload.text),
      ...(album > 0
        ? {
            outgoing: {
              type: 'album' as const,
              media: Array.from({ length: album }, (_, index) => ({
                type: 'photo' as const,
                fileId: `photo-${index}`,
              })),
            },
          }
        : {}),
      ...(Number.isInteger(marker)
        ? {
            sentWith: (ids: number[]) =>
              marker < 0
                ? sql`update ${notifications} set attempts = 1 / 0 where id = ${notification.id}`
                : sql`update ${notifications} set last_error = ${`copied as ${ids[0]}`} where id = ${marker}`,
          }
        : {}),
    };
  };
  /** The notifications each batched render was given (by id), in the order of the calls. */
  const renderedTogether: number[][] = [];
  const registry = createNotificationRegistry([
    {
      kinds: ['test_batch'],
      render: renderTest,
      renderMany: (renderDeps, list) => {
        renderedTogether.push(list.map((notification) => notification.id));
        return list.map((notification) => renderTest(renderDeps, notification));
      },
    },
  ]);

  const deps = (name: string) => ({
    db,
    i18n: createI18n(),
    timeZone: 'Europe/Moscow',
    notifications: registry,
    sender,
    slots: createSendSlots({
      redis,
      prefix: `${process.env.REDIS_PREFIX}:batch-${name}`,
      limits: noSendLimits,
    }),
    metrics: createDeliveryMetrics(),
    logger: createLogger({ level: process.env.TEST_LOG ?? 'silent' }),
  });

  async function notificationsFor(
    name: string,
    rows: Array<{ chatId: number; text: string; marker?: number; staffId?: number; album?: number }>,
  ) {
    const made = await db
      .insert(notifications)
      .values(
        rows.map((row, index) => ({
          dedupeKey: `batch-test:${name}:${index}`,
          kind: 'test_batch',
          chatId: row.chatId,
          recipientStaffId: row.staffId ?? null,
          payload: {
            text: row.text,
            ...(row.marker !== undefined ? { marker: row.marker } : {}),
            ...(row.album !== undefined ? { album: row.album } : {}),
          },
        })),
      )
      .returning({ id: notifications.id });
    return made.map((row) => row.id);
  }

  async function markers(count: number, name: string) {
    const made = await db
      .insert(notifications)
      .values(
        Array.from({ length: count }, (_, index) => ({
          dedupeKey: `batch-test:${name}:marker:${index}`,
          kind: 'test_marker',
          chatId: -1,
          status: 'failed' as const,
          payload: {},
        })),
      )
      .returning({ id: notifications.id });
    return made.map((row) => row.id);
  }

  const rowsOf = (ids: number[]) =>
    db
      .select()
      .from(notifications)
      .where(inArray(notifications.id, ids))
      .then((rows) => ids.map((id) => rows.find((row) => row.id === id)!));

  it('chats due together each get their messages once and in order, each row marked sent with its write', async () => {
    const chats = [9101, 9102, 9103];
    const marks = await markers(9, 'order');
    const rows = chats.flatMap((chatId, chat) =>
      [1, 2, 3].map((n) => ({ chatId, text: `chat ${chat} message ${n}`, marker: marks[chat * 3 + n - 1]! })),
    );
    const ids = await notificationsFor('order', rows);
    const lanes = createDeliveryLanes({
      redis,
      prefix: `${process.env.REDIS_PREFIX}:batch-order`,
      db,
      sendClassOf: registry.sendClassOf,
    });
    const worker = startDeliveryWorker({ ...deps('order'), lanes });
    await lanes.add(ids);
    await expect
      .poll(async () => (await rowsOf(ids)).every((row) => row.status === 'sent'), { timeout: 10_000 })
      .toBe(true);
    await worker.close();

    for (const [chat, chatId] of chats.entries())
      expect(received.filter((message) => message.chatId === chatId).map((message) => message.text)).toEqual([
        `chat ${chat} message 1`,
        `chat ${chat} message 2`,
        `chat ${chat} message 3`,
      ]);
    const sent = await rowsOf(ids);
    const written = await rowsOf(marks);
    for (const [index, row] of sent.entries()) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(written[index]!.lastError).toBe(`copied as ${row.telegramMessageId}`);
    }
    // The chats' heads went together: one `sent` statement marks them at one moment.
    const firsts = sent.filter((_, index) => index % 3 === 0).map((row) => row.sentAt?.getTime());
    expect(new Set(firsts).size).toBe(1);
  });

  it('renders its heads together, in one call of their feature (one read for relayed copies)', async () => {
    const ids = await notificationsFor('together', [
      { chatId: 9151, text: 'first chat' },
      { chatId: 9152, text: 'second chat' },
      { chatId: 9153, text: 'third chat' },
    ]);
    const calls = renderedTogether.length;
    const processor = createDeliveryProcessor(deps('together'));
    const turns = await processor.batch(ids);

    expect(turns.map((turn) => turn.turn?.outcome)).toEqual(['sent', 'sent', 'sent']);
    expect(renderedTogether.slice(calls).map((call) => [...call].sort())).toEqual([[...ids].sort()]);
  });

  it('a 429 for one chat of a batch holds that one back; the others go and are recorded', async () => {
    const ids = await notificationsFor('flood', [
      { chatId: 9201, text: 'to the first' },
      { chatId: 9202, text: 'to the limited chat' },
      { chatId: 9203, text: 'to the third' },
    ]);
    answers.set(9202, { kind: 'flood', retryAfterMs: 3000, reason: 'Too Many Requests: retry after 3' });
    const processor = createDeliveryProcessor(deps('flood'));
    const turns = await processor.batch(ids);
    answers.delete(9202);

    expect(turns.map((turn) => turn.turn?.outcome)).toEqual(['sent', 'flood', 'sent']);
    // Its chat and the process wait Telegram's retry_after, counted from the answer.
    expect(turns[1]!.turn).toMatchObject({ done: false, pauseMs: 3000 });
    expect(turns[1]!.turn!.nextInMs).toBeGreaterThan(2000);
    const rows = await rowsOf(ids);
    expect(rows.map((row) => row.status)).toEqual(['sent', 'pending', 'sent']);
    expect(rows[1]).toMatchObject({ attempts: 0, lastError: 'Too Many Requests: retry after 3' });
    expect(received.filter((message) => [9201, 9203].includes(message.chatId))).toHaveLength(2);
  });

  it('a send answered while a batch-mate hangs is noted for a reply to it, before the batch records it', async () => {
    const [quick, slow] = await notificationsFor('noted', [
      { chatId: 9511, text: 'to the curator' },
      { chatId: 9512, text: 'to the chat Telegram hangs on' },
    ]);
    const unrecorded = createUnrecordedSends({ redis, prefix: `${process.env.REDIS_PREFIX}:batch-noted` });
    const hanging = hold(9512);
    // The quick send's id: the held one takes its id only when answered.
    const quickMessage = nextMessageId;
    const processor = createDeliveryProcessor({ ...deps('noted'), unrecorded });
    const turns = processor.batch([quick!, slow!]);
    await hanging.started;

    await expect.poll(() => unrecorded.notificationOf(9511, quickMessage), { timeout: 10_000 }).toBe(quick);
    expect((await rowsOf([quick!]))[0]!.status).toBe('pending');
    hanging.answer();
    expect((await turns).map((turn) => turn.turn?.outcome)).toEqual(['sent', 'sent']);
  });

  it('a batch whose recording fails for one notification keeps the others sent, and sends them only once', async () => {
    const marks = await markers(2, 'broken');
    const ids = await notificationsFor('broken', [
      { chatId: 9301, text: 'fine one', marker: marks[0]! },
      { chatId: 9302, text: 'broken one', marker: -1 },
      { chatId: 9303, text: 'fine two', marker: marks[1]! },
    ]);
    const processor = createDeliveryProcessor(deps('broken'));
    const turns = await processor.batch(ids);

    expect(turns.map((turn) => turn.turn?.outcome)).toEqual(['sent', 'error', 'sent']);
    const rows = await rowsOf(ids);
    expect(rows.map((row) => row.status)).toEqual(['sent', 'pending', 'sent']);
    // The sends that went are recorded with their writes; the broken one counts an attempt, as alone.
    const written = await rowsOf(marks);
    expect(written.map((row) => row.lastError)).toEqual([
      `copied as ${rows[0]!.telegramMessageId}`,
      `copied as ${rows[2]!.telegramMessageId}`,
    ]);
    expect(rows[1]).toMatchObject({ attempts: 1 });
    expect(rows[1]!.lastError).toMatch(/^recording the send failed/);

    // Its next turn (alone, as the single path records a repeated failure): sent once more and marked sent
    // without its write; the others are not sent again.
    expect(await processor(ids[1]!)).toMatchObject({ outcome: 'sent', done: true });
    // A batch does not claim rows no longer pending: they go by the single path, which only drops them.
    expect(await processor.batch([ids[0]!, ids[2]!])).toEqual([
      { notificationId: ids[0], single: true },
      { notificationId: ids[2], single: true },
    ]);
    expect(await processor(ids[0]!)).toEqual({ outcome: 'nothing to do', done: true, nextInMs: 0 });
    const chats = received.filter((message) => [9301, 9302, 9303].includes(message.chatId));
    expect(chats.map((message) => message.text).sort()).toEqual([
      'broken one',
      'broken one',
      'fine one',
      'fine two',
    ]);
  });

  it('a notification in a batch to a deactivated staff member is withdrawn unsent; the others go', async () => {
    const [away] = await db
      .insert(staff)
      .values({ fullName: 'Ушедший куратор', role: 'curator', telegramId: 9402, active: false })
      .returning({ id: staff.id });
    const ids = await notificationsFor('inactive', [
      { chatId: 9401, text: 'to an active chat' },
      { chatId: 9402, text: 'to the deactivated curator', staffId: away!.id },
    ]);
    const processor = createDeliveryProcessor(deps('inactive'));
    const turns = await processor.batch(ids);

    expect(turns.map((turn) => turn.turn?.outcome)).toEqual(['sent', 'withdrawn']);
    expect((await rowsOf(ids)).map((row) => row.status)).toEqual(['sent', 'failed']);
    expect(received.filter((message) => message.chatId === 9402)).toHaveLength(0);
  });

  it('a withdrawal waiting for a batch whose recording fails finds the sends that went out sent, not pending', async () => {
    const ids = await notificationsFor('broken-waited', [
      { chatId: 9801, text: 'went out' },
      { chatId: 9802, text: 'broken', marker: -1 },
    ]);
    const hanging = [hold(9801), hold(9802)];
    const processor = createDeliveryProcessor(deps('broken-waited'));
    const turns = processor.batch(ids);
    await Promise.all(hanging.map((send) => send.started));
    const withdrawal = await withdrawalWaitingFor(ids[0]!);
    for (const send of hanging) send.answer();

    expect((await turns).map((turn) => turn.turn?.outcome)).toEqual(['sent', 'error']);
    // Shown in the chat, so not withdrawn as if it had not gone: the withdrawal found it sent.
    expect(await withdrawal.done).toBe('sent');
    expect((await rowsOf(ids)).map((row) => row.status)).toEqual(['sent', 'pending']);
    expect(received.filter((message) => message.chatId === 9801)).toHaveLength(1);
  });

  it('an album in a batch keeps the id of every item it made, as it would alone', async () => {
    const ids = await notificationsFor('album', [
      { chatId: 9901, text: 'a card’s photos', album: 3 },
      { chatId: 9902, text: 'a notice' },
    ]);
    const turns = await createDeliveryProcessor(deps('album')).batch(ids);

    expect(turns.map((turn) => turn.turn?.outcome)).toEqual(['sent', 'sent']);
    const [album] = await rowsOf(ids);
    // Every photo is found by a reply and taken back by an erasure, not only the first.
    expect(messageIdsOf(album!)).toHaveLength(3);
  });
});
