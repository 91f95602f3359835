import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications, requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { writeOutbox } from '../../src/queue/outbox.js';
import { formatRegionTime } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';

/**
 * A confirmed request reaches the right person's chat in each branch of the routing order (SPEC §4):
 * through the outbox, the relay, the routing worker and the delivery worker, against the emulator with
 * Telegram's limits on. Each case works in its own district so the branches do not see each other.
 */
describe('routing a confirmed request', () => {
  const e2e = useE2E({
    bot: false,
    pipeline: { reconcileIntervalMs: 1000 },
    limits: { global: 30, perChat: 1 },
  });

  async function assignmentOf(requestId: number) {
    const [request] = await e2e.db.select().from(requests).where(eq(requests.id, requestId));
    const events = await e2e.db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, requestId), eq(requestEvents.type, 'assigned')));
    return { request: request!, events };
  }

  it("brings the card to the family's own curator, readable, with the deadline in the region's time", async () => {
    const {
      staff: { curator },
      requests: { request },
    } = await e2e.seed({
      staff: { curator: { name: 'Анна Петрова', districts: ['gryazi'] } },
      families: { family: { curator: 'curator', memberName: 'Ольга Смирнова', chat: false } },
      requests: { request: { family: 'family', category: 'psychologist', priority: 'urgent' } },
    });

    const card = await e2e.emulator.waitForMessage(curator.chat, undefined, 10_000);
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
        const [row] = await e2e.db
          .select()
          .from(notifications)
          .where(eq(notifications.requestId, request.id));
        return row?.status === 'sent' && row;
      },
      5000,
      'the notification marked sent',
    );
    // The card shows the family: «Удалить мои данные» finds it by its family to take it back.
    expect(notification).toMatchObject({
      status: 'sent',
      telegramMessageId: card.message_id,
      attempts: 1,
      familyId: request.familyId,
    });
  });

  it('goes to the deputy while the curator is away', async () => {
    const {
      staff: { deputy, away },
      requests: { request },
    } = await e2e.seed({
      staff: {
        deputy: { name: 'Зам', districts: ['dankov'] },
        away: {
          name: 'Отпуск',
          districts: ['dankov'],
          awayUntil: new Date(Date.now() + 7 * 86_400_000),
          deputy: 'deputy',
        },
      },
      families: { family: { curator: 'away', chat: false } },
      requests: { request: { family: 'family' } },
    });

    const card = await e2e.emulator.waitForMessage(deputy.chat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    expect(e2e.emulator.messages(away.chat, { from: 'bot' })).toEqual([]);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed.curatorId).toBe(deputy.id);
    expect(events[0]?.data).toEqual({ staffId: deputy.id, via: 'deputy' });
  });

  it('goes to the least-loaded active curator of the district when the family curator is gone', async () => {
    // The busy curator already has an open request.
    const {
      staff: { gone, busy, free },
      requests: { first },
    } = await e2e.seed({
      staff: {
        gone: { name: 'Уволена', districts: ['dobrinka'], active: false },
        busy: { name: 'Занятая', districts: ['dobrinka'] },
        free: { name: 'Свободная', districts: ['dobrinka'] },
      },
      families: { other: { curator: 'busy', chat: false } },
      requests: { first: { family: 'other', routedTo: 'busy' } },
    });
    expect((await assignmentOf(first.id)).request.curatorId).toBe(busy.id);

    const {
      requests: { request },
    } = await e2e.seed({
      families: { family: { curator: gone, chat: false } },
      requests: { request: { family: 'family' } },
    });
    const card = await e2e.emulator.waitForMessage(free.chat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed.curatorId).toBe(free.id);
    expect(events[0]?.data).toEqual({ staffId: free.id, via: 'least_loaded' });
  });

  it("goes to the region's on-call curator when the district has no curator", async () => {
    const {
      staff: { onCall },
      requests: { request },
    } = await e2e.seed({
      staff: { onCall: { name: 'Дежурный', districts: ['lipetsk-city'], onCall: true } },
      families: { family: { district: 'dobroe', chat: false } },
      requests: { request: { family: 'family' } },
    });

    const card = await e2e.emulator.waitForMessage(onCall.chat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed.curatorId).toBe(onCall.id);
    expect(events[0]?.data).toEqual({ staffId: onCall.id, via: 'on_call' });
    await e2e.db.update(staff).set({ onCall: false }).where(eq(staff.id, onCall.id));
  });

  it('goes to the district supervisors when no curator can take it', async () => {
    const {
      staff: { first, second },
      requests: { request },
    } = await e2e.seed({
      staff: {
        first: { name: 'Руководитель 1', role: 'supervisor', districts: ['dolgorukovo'] },
        second: { name: 'Руководитель 2', role: 'supervisor', districts: ['dolgorukovo'] },
      },
      families: { family: { district: 'dolgorukovo', chat: false } },
      requests: { request: { family: 'family', category: 'legal' } },
    });
    const supervisors = [first, second];

    for (const { chat } of supervisors) {
      const card = await e2e.emulator.waitForMessage(chat, undefined, 10_000);
      expect(card.text).toContain(`№ ${request.number}`);
      expect(card.text).toContain('Юридическая помощь');
    }
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed).toMatchObject({ status: 'assigned', curatorId: null });
    expect(events[0]?.data).toEqual({ supervisorIds: supervisors.map((s) => s.id), via: 'supervisors' });
  });

  it('tells the district supervisors about a family registered where no curator works', async () => {
    const {
      staff: { supervisor },
      families: { family },
    } = await e2e.seed({
      staff: { supervisor: { name: 'Руководитель Волово', role: 'supervisor', districts: ['volovo'] } },
      families: { family: { district: 'volovo', chat: false } },
    });
    await e2e.db.transaction((tx) =>
      writeOutbox(tx, { kind: 'family_without_curator', payload: { familyId: family.family.id } }),
    );

    const message = await e2e.emulator.waitForMessage(supervisor.chat, undefined, 10_000);
    expect(message.text).toContain('Воловский район');
    expect(message.text).toContain('нет активного куратора');
  });

  it('waits as `new` while nobody at all can take it, and is routed once someone can', async () => {
    const {
      requests: { request },
    } = await e2e.seed({
      families: { family: { district: 'stanovoe', chat: false } },
      requests: { request: { family: 'family' } },
    });
    // The relay has dispatched it and the routing worker has tried it: nothing is left to happen.
    await e2e.settled();
    expect((await assignmentOf(request.id)).request.status).toBe('new');

    const {
      staff: { curator },
    } = await e2e.seed({ staff: { curator: { name: 'Новая', districts: ['stanovoe'] } } });
    const card = await e2e.emulator.waitForMessage(curator.chat, undefined, 10_000);
    expect(card.text).toContain(`№ ${request.number}`);
    const { request: routed, events } = await assignmentOf(request.id);
    expect(routed).toMatchObject({ status: 'assigned', curatorId: curator.id });
    expect(events.map((event) => event.data)).toEqual([{ staffId: curator.id, via: 'least_loaded' }]);
  });
});
