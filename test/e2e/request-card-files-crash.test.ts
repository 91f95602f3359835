import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, notifications } from '../../src/db/schema/index.js';
import { relayNotificationKinds } from '../../src/features/relay/relay.kinds.js';
import { cardFilesKind } from '../../src/features/request-card/request-card.files.js';
import { createRequest } from '../../src/features/requests/requests.usecases.js';
import { routeRequest } from '../../src/features/routing/routing.usecases.js';
import { createI18n } from '../../src/i18n.js';
import { createLogger } from '../../src/logger.js';
import { createDeliveryMetrics } from '../../src/metrics/delivery.metrics.js';
import { createAppNotifications } from '../../src/roles/pipeline.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { createSendSlots } from '../../src/telegram/send-slots.js';
import { createTelegramSender } from '../../src/telegram/telegram-sender.js';
import { createDeliveryProcessor } from '../../src/workers/delivery.worker.js';
import { useE2E } from '../helpers/e2e.js';
import { TEST_BOT_TOKEN } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually } from '../helpers/pipeline.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * A crash between a card and its files, and in the middle of a message sent in parts, under Telegram's
 * limits: nothing is lost, and nothing goes out twice (README «The one possible duplicate»: only a send in
 * flight at the crash may). The worker "dies" where a real process would stop: after the commit that marks
 * the card sent, before its files were put in their lane in Redis.
 */
const e2e = useE2E({ bot: false, pipeline: false, limits: { global: 30, perChat: 1 } });
let serial = 0;

/** The turns of a worker process's delivery dispatcher (without its lanes: what a turn produced stays put). */
function processor(prefix: string) {
  return createDeliveryProcessor({
    db: e2e.db,
    i18n: createI18n(),
    timeZone: 'Europe/Moscow',
    notifications: createAppNotifications(),
    sender: createTelegramSender({ token: TEST_BOT_TOKEN, apiRoot: e2e.emulator.url }),
    slots: createSendSlots({ redis: e2e.redis, prefix }),
    metrics: createDeliveryMetrics(),
    logger: createLogger({ level: 'silent' }),
  });
}

/** Runs a chat's turns as the dispatcher would, each when the last said, until the notification is done. */
async function runToEnd(run: ReturnType<typeof processor>, notificationId: number) {
  for (let turns = 0; turns < 20; turns++) {
    const turn = await run(notificationId);
    if (turn.done) return turn;
    await new Promise((resolve) => setTimeout(resolve, Math.max(50, turn.nextInMs)));
  }
  throw new Error('the notification never finished');
}

const bodyOf = (m: StoredMessage) => m.text ?? m.caption ?? '';

/** A curator of Усмань with a chat, a family of theirs with a chat, and the harness's Redis prefix. */
async function curatorAndFamily(curatorName: string, familyName: string) {
  serial += 1;
  const prefix = e2e.config.redisPrefix;
  const district = await districtByCode(e2e.db, 'usman');
  const curatorChat = e2e.emulator.createUser({ first_name: curatorName }).id;
  const curator = await createStaffMember(e2e.db, { telegramId: curatorChat, districtIds: [district.id] });
  const familyUser = e2e.emulator.createUser({ first_name: familyName });
  const { family, member } = await createRegisteredFamily(e2e.db, {
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
    e2e.emulator.sendPhoto(familyUser.id);
    e2e.emulator.sendDocument(familyUser.id, { file_name: 'справка.pdf', mime_type: 'application/pdf' });
    const [photo, pdf] = e2e.emulator.messages(familyUser.id);
    const created = await createRequest(
      { db: e2e.db, timeZone: 'Europe/Moscow' },
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
    const routed = await routeRequest({ db: e2e.db }, created.request.id);
    const [cardId] = routed.notificationIds;

    // The first worker sends the card, commits, and dies before its files reach their lane in Redis.
    const sentCard = await runToEnd(processor(prefix), cardId!);
    expect(sentCard.outcome).toBe('sent');
    expect(sentCard.produced?.length).toBeGreaterThan(0);
    const [card] = e2e.emulator.messages(curatorChat, { from: 'bot' });
    expect(bodyOf(card!)).toContain(`Новая заявка № ${created.request.number}`);
    const files = await e2e.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.kind, cardFilesKind), eq(notifications.requestId, created.request.id)));
    expect(files.map((row) => row.status)).toEqual(['pending', 'pending']);

    // A new worker and relay start (their reconciler rebuilds the jobs from PostgreSQL): the files arrive.
    const pipeline = [
      await e2e.startRole('relay', { reconcileIntervalMs: 1000 }),
      await e2e.startRole('worker', { reconcileIntervalMs: 1000 }),
    ];
    try {
      const replies = await eventually(
        async () => {
          const under = e2e.emulator
            .messages(curatorChat, { from: 'bot' })
            .filter((m) => m.reply_to_message?.message_id === card!.message_id);
          return under.length >= 2 && under;
        },
        20_000,
        'the files under the card',
      );
      // Everything the new worker and relay had to do is done: anything sent twice has shown.
      await e2e.settled(20_000);
      expect(replies.map((m) => (m.photo ? 'photo' : m.document?.file_name))).toEqual([
        'photo',
        'справка.pdf',
      ]);
      expect(e2e.emulator.messages(curatorChat, { from: 'bot' })).toHaveLength(3);
      // The card's turn run again (a lane rebuilt after a wipe, a lease run out) does nothing.
      expect((await runToEnd(processor(prefix), cardId!)).outcome).toBe('nothing to do');
      expect(e2e.emulator.messages(curatorChat, { from: 'bot' })).toHaveLength(3);
      expect(e2e.emulator.stats().tooManyRequests).toBe(0);
    } finally {
      for (const app of pipeline.reverse()) await app.stop();
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
    const [row] = await e2e.db
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
    const [copy] = await e2e.db
      .insert(notifications)
      .values({
        kind: relayNotificationKinds.toStaff,
        dedupeKey: `crash-test-copy-${serial}`,
        recipientStaffId: curator.id,
        chatId: curatorChat,
        payload: { messageId: row!.id },
      })
      .returning();

    // The first part goes and is recorded; the worker dies before its chat is put back in the lanes.
    expect((await processor(prefix)(copy!.id)).outcome).toBe('partial');
    expect(e2e.emulator.messages(curatorChat, { from: 'bot' })).toHaveLength(1);

    expect((await runToEnd(processor(prefix), copy!.id)).outcome).toBe('sent');
    const parts = e2e.emulator.messages(curatorChat, { from: 'bot' }).map(bodyOf);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/^💬 Мария Иванова/);
    expect(parts.filter((part) => part.startsWith('💬'))).toHaveLength(1);
    expect(parts.every((part) => part.length <= 4096)).toBe(true);
    const heading = parts[0]!.slice(0, parts[0]!.indexOf('\n\n') + 2);
    expect([parts[0]!.slice(heading.length), ...parts.slice(1)].join(' ')).toBe(text);
    expect(e2e.emulator.stats().perChat[String(curatorChat)]?.tooManyRequests).toBe(0);
    // The curator's reply to the last part finds the family's message.
    const [sent] = await e2e.db.select().from(notifications).where(eq(notifications.id, copy!.id));
    const lastPartId = e2e.emulator.messages(curatorChat, { from: 'bot' }).at(-1)!.message_id;
    expect(sent?.payload.sentSteps).toEqual(
      e2e.emulator.messages(curatorChat, { from: 'bot' }).map((m) => [m.message_id]),
    );
    expect(JSON.stringify(sent?.payload.sentSteps)).toContain(String(lastPartId));
  });
});
