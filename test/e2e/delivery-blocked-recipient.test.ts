import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications, requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { startBotApiRecorder } from '../helpers/bot-api-recorder.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import {
  createConfirmedRequest,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
} from '../helpers/routing-factories.js';

describe('a recipient Telegram refuses', () => {
  const e2e = useE2E({ bot: false, limits: { global: 30, perChat: 1 } });

  it('a curator who blocked the bot: the request goes to the next curator and the supervisor is told', async () => {
    const district = await districtByCode(e2e.db, 'elets');
    const blockedChat = e2e.emulator.createUser({ first_name: 'Блок' }).id;
    const nextChat = e2e.emulator.createUser({ first_name: 'Следующая' }).id;
    const supervisorChat = e2e.emulator.createUser({ first_name: 'Руководитель' }).id;
    const blocked = await createStaffMember(e2e.db, {
      telegramId: blockedChat,
      fullName: 'Ирина Блокова',
      districtIds: [district.id],
    });
    const next = await createStaffMember(e2e.db, {
      telegramId: nextChat,
      fullName: 'Светлана Далее',
      districtIds: [district.id],
    });
    await createStaffMember(e2e.db, {
      role: 'supervisor',
      telegramId: supervisorChat,
      districtIds: [district.id],
    });
    e2e.emulator.setBlocked(blockedChat, true);
    const { family } = await createFamilyWithMember(e2e.db, {
      districtId: district.id,
      curatorId: blocked.id,
    });
    const request = await createConfirmedRequest(e2e.db, { familyId: family.id });

    const card = await e2e.emulator.waitForMessage(nextChat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    expect(card.text).toContain('предыдущий получатель недоступен');
    const alert = await e2e.emulator.waitForMessage(supervisorChat, undefined, 10_000);
    expect(alert.text).toContain('Ирина Блокова: бот заблокирован');
    expect(alert.text).toContain(`№ ${request.number}`);
    expect(alert.text).toContain('Светлана Далее');

    const [flagged] = await e2e.db.select().from(staff).where(eq(staff.id, blocked.id));
    expect(flagged?.botBlocked).toBe(true);
    const rows = await e2e.db.select().from(notifications).where(eq(notifications.requestId, request.id));
    const toBlocked = rows.find((row) => row.recipientStaffId === blocked.id);
    expect(toBlocked).toMatchObject({ status: 'unreachable', attempts: 1 });
    expect(toBlocked?.lastError).toContain('403');
    const [routed] = await e2e.db.select().from(requests).where(eq(requests.id, request.id));
    expect(routed).toMatchObject({ status: 'assigned', curatorId: next.id });
    const events = await e2e.db
      .select({ type: requestEvents.type, data: requestEvents.data })
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id)))
      .orderBy(requestEvents.id);
    expect(events.map((event) => event.type)).toEqual(['created', 'assigned', 'delivery_failed', 'assigned']);
    expect(events[3]?.data).toEqual({ staffId: next.id, via: 'least_loaded', rerouted: true });
    // Nothing is retried towards the blocked chat, and the next request skips the blocked curator at once.
    const second = await createConfirmedRequest(e2e.db, { familyId: family.id });
    await e2e.emulator.waitForMessage(
      nextChat,
      (message) => message.text?.includes(`№ ${second.number}`) ?? false,
      10_000,
    );
    expect(e2e.emulator.stats().perChat[String(blockedChat)]?.acceptedSends ?? 0).toBe(0);
    const attemptsToBlocked = await e2e.db
      .select()
      .from(notifications)
      .where(eq(notifications.recipientStaffId, blocked.id));
    expect(attemptsToBlocked).toHaveLength(1);
  });

  it('the only curator of the district blocked the bot: the supervisor gets the card and the notice', async () => {
    const district = await districtByCode(e2e.db, 'terbuny');
    const blockedChat = e2e.emulator.createUser({ first_name: 'Единственная' }).id;
    const supervisorChat = e2e.emulator.createUser({ first_name: 'Руководитель Тербунов' }).id;
    const only = await createStaffMember(e2e.db, {
      telegramId: blockedChat,
      fullName: 'Вера Одна',
      districtIds: [district.id],
    });
    const supervisor = await createStaffMember(e2e.db, {
      role: 'supervisor',
      telegramId: supervisorChat,
      districtIds: [district.id],
    });
    e2e.emulator.setBlocked(blockedChat, true);
    const { family } = await createFamilyWithMember(e2e.db, { districtId: district.id, curatorId: only.id });
    const request = await createConfirmedRequest(e2e.db, { familyId: family.id });

    const first = await e2e.emulator.waitForMessage(supervisorChat, undefined, 10_000);
    const second = await e2e.emulator.waitForMessage(supervisorChat, undefined, 10_000);
    const texts = [first.text ?? '', second.text ?? ''];
    expect(texts.some((text) => text.startsWith(`Новая заявка № ${request.number}`))).toBe(true);
    expect(texts.some((text) => text.includes('Вера Одна: бот заблокирован'))).toBe(true);
    expect(texts.some((text) => text.includes('Заявка передана: руководителям района'))).toBe(true);
    const [routed] = await e2e.db.select().from(requests).where(eq(requests.id, request.id));
    expect(routed).toMatchObject({ status: 'assigned', curatorId: null });
    expect(supervisor.id).toBeGreaterThan(0);
  });

  it('a message Telegram rejects (400) is recorded as failed with the reason, not retried', async () => {
    const district = await districtByCode(e2e.db, 'izmalkovo');
    // A Telegram account the bot has never talked to: "chat not found".
    const stranger = await createStaffMember(e2e.db, { telegramId: 555_000_001, districtIds: [district.id] });
    const { family } = await createFamilyWithMember(e2e.db, {
      districtId: district.id,
      curatorId: stranger.id,
    });
    const request = await createConfirmedRequest(e2e.db, { familyId: family.id });
    const failed = await eventually(
      async () => {
        const [row] = await e2e.db
          .select()
          .from(notifications)
          .where(eq(notifications.requestId, request.id));
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
  let recorder: Awaited<ReturnType<typeof startBotApiRecorder>>;
  const e2e = useE2E({
    bot: false,
    limits: { global: 30, perChat: 1 },
    // The first two sends get 502 Bad Gateway.
    via: async (emulatorUrl) => {
      recorder = await startBotApiRecorder(emulatorUrl, { badGatewayOnSendNumbers: [1, 2] });
      return recorder;
    },
  });

  it('retries with growing pauses and delivers once', async () => {
    const district = await districtByCode(e2e.db, 'khlevnoe');
    const chat = e2e.emulator.createUser({ id: 300_000_001, first_name: 'Куратор' }).id;
    const curator = await createStaffMember(e2e.db, { telegramId: chat, districtIds: [district.id] });
    const { family } = await createFamilyWithMember(e2e.db, {
      districtId: district.id,
      curatorId: curator.id,
    });
    const request = await createConfirmedRequest(e2e.db, { familyId: family.id });

    const card = await e2e.emulator.waitForMessage(chat, undefined, 20_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const sent = await eventually(
      async () => {
        const [row] = await e2e.db
          .select()
          .from(notifications)
          .where(eq(notifications.requestId, request.id));
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
    expect(e2e.emulator.messages(chat, { from: 'bot' })).toHaveLength(1);
  });
});
