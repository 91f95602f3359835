import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { notifications, outbox, requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { writeOutbox } from '../../src/queue/outbox.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { formatRegionTime } from '../../src/time.js';
import { freshRedisPrefix, TEST_BOT_TOKEN } from '../helpers/env.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import {
  createConfirmedRequest,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
} from '../helpers/routing-factories.js';

/**
 * A confirmed request reaches the right person's chat in each branch of the routing order (SPEC §4):
 * through the outbox, the relay, the routing worker and the delivery worker, against the emulator with
 * Telegram's limits on. Each case works in its own district so the branches do not see each other.
 */
describe('routing a confirmed request', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  let emulator: Emulator;
  let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>>;

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
    pipeline = await startDeliveryPipeline({
      apiRoot: emulator.url,
      redisPrefix: freshRedisPrefix(),
      reconcileIntervalMs: 1000,
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await emulator?.stop();
    await sql.end();
  });

  const staffChat = (fullName: string) => emulator.createUser({ first_name: fullName }).id;

  async function assignmentOf(requestId: number) {
    const [request] = await db.select().from(requests).where(eq(requests.id, requestId));
    const events = await db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, requestId), eq(requestEvents.type, 'assigned')));
    return { request: request!, events };
  }

  it("brings the card to the family's own curator, readable, with the deadline in the region's time", async () => {
    const district = await districtByCode(db, 'gryazi');
    const chat = staffChat('Анна');
    const curator = await createStaffMember(db, {
      telegramId: chat,
      fullName: 'Анна Петрова',
      districtIds: [district.id],
    });
    const { family, member } = await createFamilyWithMember(db, {
      districtId: district.id,
      curatorId: curator.id,
      memberName: 'Ольга Смирнова',
    });
    const request = await createConfirmedRequest(db, {
      familyId: family.id,
      memberId: member.id,
      category: 'psychologist',
      priority: 'urgent',
    });

    const card = await emulator.waitForMessage(chat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    expect(card.text).toContain('Помощь психолога');
    expect(card.text).toContain('🔴 Срочная заявка');
    expect(card.text).toContain('Грязинский район');
    expect(card.text).toContain('Ольга Смирнова');
    expect(card.text).toContain(formatRegionTime(request.takeDeadlineAt, 'Europe/Moscow'));

    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed).toMatchObject({ status: 'assigned', curatorId: curator.id });
    expect(routed.assignedAt).toBeInstanceOf(Date);
    expect(events.map((event) => event.data)).toEqual([{ staffId: curator.id, via: 'family_curator' }]);
    // The worker marks it sent right after Telegram answers, a moment after the emulator shows the card.
    const notification = await eventually(
      async () => {
        const [row] = await db.select().from(notifications).where(eq(notifications.requestId, request.id));
        return row?.status === 'sent' && row;
      },
      5000,
      'the notification marked sent',
    );
    expect(notification).toMatchObject({ status: 'sent', telegramMessageId: card.message_id, attempts: 1 });
  });

  it('goes to the deputy while the curator is away', async () => {
    const district = await districtByCode(db, 'dankov');
    const deputyChat = staffChat('Зам');
    const awayChat = staffChat('Отпуск');
    const deputy = await createStaffMember(db, { telegramId: deputyChat, districtIds: [district.id] });
    const away = await createStaffMember(db, {
      telegramId: awayChat,
      districtIds: [district.id],
      awayUntil: new Date(Date.now() + 7 * 86_400_000),
      deputyId: deputy.id,
    });
    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: away.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });

    const card = await emulator.waitForMessage(deputyChat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    expect(emulator.messages(awayChat, { from: 'bot' })).toEqual([]);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed.curatorId).toBe(deputy.id);
    expect(events[0]?.data).toEqual({ staffId: deputy.id, via: 'deputy' });
  });

  it('goes to the least-loaded active curator of the district when the family curator is gone', async () => {
    const district = await districtByCode(db, 'dobrinka');
    const busyChat = staffChat('Занятая');
    const freeChat = staffChat('Свободная');
    const gone = await createStaffMember(db, {
      telegramId: staffChat('Уволена'),
      districtIds: [district.id],
      active: false,
    });
    const busy = await createStaffMember(db, { telegramId: busyChat, districtIds: [district.id] });
    const free = await createStaffMember(db, { telegramId: freeChat, districtIds: [district.id] });
    // The busy curator already has an open request.
    const other = await createFamilyWithMember(db, { districtId: district.id, curatorId: busy.id });
    const first = await createConfirmedRequest(db, { familyId: other.family.id });
    await emulator.waitForMessage(busyChat, undefined, 10_000);
    expect((await assignmentOf(first.id)).request.curatorId).toBe(busy.id);

    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: gone.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });
    const card = await emulator.waitForMessage(freeChat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed.curatorId).toBe(free.id);
    expect(events[0]?.data).toEqual({ staffId: free.id, via: 'least_loaded' });
  });

  it("goes to the region's on-call curator when the district has no curator", async () => {
    const district = await districtByCode(db, 'dobroe');
    const home = await districtByCode(db, 'lipetsk-city');
    const onCallChat = staffChat('Дежурный');
    const onCall = await createStaffMember(db, {
      telegramId: onCallChat,
      districtIds: [home.id],
      onCall: true,
    });
    const { family } = await createFamilyWithMember(db, { districtId: district.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });

    const card = await emulator.waitForMessage(onCallChat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed.curatorId).toBe(onCall.id);
    expect(events[0]?.data).toEqual({ staffId: onCall.id, via: 'on_call' });
    await db.update(staff).set({ onCall: false }).where(eq(staff.id, onCall.id));
  });

  it('goes to the district supervisors when no curator can take it', async () => {
    const district = await districtByCode(db, 'dolgorukovo');
    const supervisorChats = [staffChat('Руководитель 1'), staffChat('Руководитель 2')];
    const supervisors = [];
    for (const chat of supervisorChats) {
      supervisors.push(
        await createStaffMember(db, { role: 'supervisor', telegramId: chat, districtIds: [district.id] }),
      );
    }
    const { family } = await createFamilyWithMember(db, { districtId: district.id });
    const request = await createConfirmedRequest(db, { familyId: family.id, category: 'legal' });

    for (const chat of supervisorChats) {
      const card = await emulator.waitForMessage(chat, undefined, 10_000);
      expect(card.text).toContain(`№ ${request.number}`);
      expect(card.text).toContain('Юридическая помощь');
    }
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed).toMatchObject({ status: 'assigned', curatorId: null });
    expect(events[0]?.data).toEqual({ supervisorIds: supervisors.map((s) => s.id), via: 'supervisors' });
  });

  it('tells the district supervisors about a family registered where no curator works', async () => {
    const district = await districtByCode(db, 'volovo');
    const supervisorChat = staffChat('Руководитель Волово');
    await createStaffMember(db, {
      role: 'supervisor',
      telegramId: supervisorChat,
      districtIds: [district.id],
    });
    const { family } = await createFamilyWithMember(db, { districtId: district.id });
    await db.transaction((tx) =>
      writeOutbox(tx, { kind: 'family_without_curator', payload: { familyId: family.id } }),
    );

    const message = await emulator.waitForMessage(supervisorChat, undefined, 10_000);
    expect(message.text).toContain('Воловский район');
    expect(message.text).toContain('нет активного куратора');
  });

  it('waits as `new` while nobody at all can take it, and is routed once someone can', async () => {
    const district = await districtByCode(db, 'stanovoe');
    const { family } = await createFamilyWithMember(db, { districtId: district.id });
    const request = await createConfirmedRequest(db, { familyId: family.id });
    // Let the relay, the routing worker and a reconciler pass try it.
    await eventually(
      async () => (await db.select().from(outbox).where(eq(outbox.status, 'pending'))).length === 0,
      5000,
      'the outbox dispatched',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await assignmentOf(request.id)).request.status).toBe('new');

    const chat = staffChat('Новая');
    const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
    const card = await emulator.waitForMessage(chat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed).toMatchObject({ status: 'assigned', curatorId: curator.id });
    expect(events.map((event) => event.data)).toEqual([{ staffId: curator.id, via: 'least_loaded' }]);
  });
});
