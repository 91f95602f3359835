import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { notifications, requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { startBotApiRecorder } from '../helpers/bot-api-recorder.js';
import { freshRedisPrefix, TEST_BOT_TOKEN } from '../helpers/env.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import {
  createConfirmedRequest,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
} from '../helpers/routing-factories.js';

describe('a recipient Telegram refuses', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  let emulator: Emulator;
  let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>>;

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
    pipeline = await startDeliveryPipeline({ apiRoot: emulator.url, redisPrefix: freshRedisPrefix() });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await emulator?.stop();
    await sql.end();
  });

  it('a curator who blocked the bot: the request goes to the next curator and the supervisor is told', async () => {
    const district = await districtByCode(db, 'elets');
    const blockedChat = emulator.createUser({ first_name: 'Блок' }).id;
    const nextChat = emulator.createUser({ first_name: 'Следующая' }).id;
    const supervisorChat = emulator.createUser({ first_name: 'Руководитель' }).id;
    const blocked = await createStaffMember(db, {
      telegramId: blockedChat,
      fullName: 'Ирина Блокова',
      districtIds: [district.id],
    });
    const next = await createStaffMember(db, {
      telegramId: nextChat,
      fullName: 'Светлана Далее',
      districtIds: [district.id],
    });
    await createStaffMember(db, {
      role: 'supervisor',
      telegramId: supervisorChat,
      districtIds: [district.id],
    });
    emulator.setBlocked(blockedChat, true);
    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: blocked.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });

    const card = await emulator.waitForMessage(nextChat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    expect(card.text).toContain('предыдущий получатель недоступен');
    const alert = await emulator.waitForMessage(supervisorChat, undefined, 10_000);
    expect(alert.text).toContain('Ирина Блокова: бот заблокирован');
    expect(alert.text).toContain(`№ ${request.number}`);
    expect(alert.text).toContain('Светлана Далее');

    const [flagged] = await db.select().from(staff).where(eq(staff.id, blocked.id));
    expect(flagged?.botBlocked).toBe(true);
    const rows = await db.select().from(notifications).where(eq(notifications.requestId, request.id));
    const toBlocked = rows.find((row) => row.recipientStaffId === blocked.id);
    expect(toBlocked).toMatchObject({ status: 'unreachable', attempts: 1 });
    expect(toBlocked?.lastError).toContain('403');
    const [routed] = await db.select().from(requests).where(eq(requests.id, request.id));
    expect(routed).toMatchObject({ status: 'assigned', curatorId: next.id });
    const events = await db
      .select({ type: requestEvents.type, data: requestEvents.data })
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id)))
      .orderBy(requestEvents.id);
    expect(events.map((event) => event.type)).toEqual(['created', 'assigned', 'delivery_failed', 'assigned']);
    expect(events[3]?.data).toEqual({ staffId: next.id, via: 'least_loaded', rerouted: true });
    // Nothing is retried towards the blocked chat, and the next request skips the blocked curator at once.
    const second = await createConfirmedRequest(db, { familyId: family.id });
    await emulator.waitForMessage(
      nextChat,
      (message) => message.text?.includes(`№ ${second.number}`) ?? false,
      10_000,
    );
    expect(emulator.stats().perChat[String(blockedChat)]?.acceptedSends ?? 0).toBe(0);
    const attemptsToBlocked = await db
      .select()
      .from(notifications)
      .where(eq(notifications.recipientStaffId, blocked.id));
    expect(attemptsToBlocked).toHaveLength(1);
  });

  it('the only curator of the district blocked the bot: the supervisor gets the card and the notice', async () => {
    const district = await districtByCode(db, 'terbuny');
    const blockedChat = emulator.createUser({ first_name: 'Единственная' }).id;
    const supervisorChat = emulator.createUser({ first_name: 'Руководитель Тербунов' }).id;
    const only = await createStaffMember(db, {
      telegramId: blockedChat,
      fullName: 'Вера Одна',
      districtIds: [district.id],
    });
    const supervisor = await createStaffMember(db, {
      role: 'supervisor',
      telegramId: supervisorChat,
      districtIds: [district.id],
    });
    emulator.setBlocked(blockedChat, true);
    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: only.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });

    const first = await emulator.waitForMessage(supervisorChat, undefined, 10_000);
    const second = await emulator.waitForMessage(supervisorChat, undefined, 10_000);
    const texts = [first.text ?? '', second.text ?? ''];
    expect(texts.some((text) => text.startsWith(`Новая заявка № ${request.number}`))).toBe(true);
    expect(texts.some((text) => text.includes('Вера Одна: бот заблокирован'))).toBe(true);
    expect(texts.some((text) => text.includes('Заявка передана: руководителям района'))).toBe(true);
    const [routed] = await db.select().from(requests).where(eq(requests.id, request.id));
    expect(routed).toMatchObject({ status: 'assigned', curatorId: null });
    expect(supervisor.id).toBeGreaterThan(0);
  });

  it('a message Telegram rejects (400) is recorded as failed with the reason, not retried', async () => {
    const district = await districtByCode(db, 'izmalkovo');
    // A Telegram account the bot has never talked to: "chat not found".
    const stranger = await createStaffMember(db, { telegramId: 555_000_001, districtIds: [district.id] });
    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: stranger.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });
    const failed = await eventually(
      async () => {
        const [row] = await db.select().from(notifications).where(eq(notifications.requestId, request.id));
        return row?.status === 'failed' && row;
      },
      10_000,
      'the notification marked failed',
    );
    expect(failed.lastError).toContain('chat not found');
    expect(failed.attempts).toBe(1);
  });
});

describe('Telegram answering 5xx', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  let emulator: Emulator;
  let recorder: Awaited<ReturnType<typeof startBotApiRecorder>>;
  let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>>;

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
    // The first two sends get 502 Bad Gateway.
    recorder = await startBotApiRecorder(emulator.url, { badGatewayOnSendNumbers: [1, 2] });
    pipeline = await startDeliveryPipeline({ apiRoot: recorder.url, redisPrefix: freshRedisPrefix() });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await recorder?.close();
    await emulator?.stop();
    await sql.end();
  });

  it('retries with growing pauses and delivers once', async () => {
    const district = await districtByCode(db, 'khlevnoe');
    const chat = emulator.createUser({ id: 300_000_001, first_name: 'Куратор' }).id;
    const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: curator.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });

    const card = await emulator.waitForMessage(chat, undefined, 20_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const sent = await eventually(
      async () => {
        const [row] = await db.select().from(notifications).where(eq(notifications.requestId, request.id));
        return row?.status === 'sent' && row;
      },
      5000,
      'the notification marked sent',
    );
    expect(sent.attempts).toBe(3);
    const toChat = recorder.sends().filter((send) => send.chatId === chat);
    const attempts = toChat.map((send) => send.at);
    expect(toChat.map((send) => send.status)).toEqual([502, 502, 200]);
    // Backoff: about 1 s, then about 2 s.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1000);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(2000);
    expect(emulator.messages(chat, { from: 'bot' })).toHaveLength(1);
  });
});
