import { and, asc, desc, eq, inArray, isNull, sql as raw } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { startWhileHeld } from '../../../test/helpers/held-lock.js';
import {
  createConfirmedRequest,
  createConfirmedRequestsInBulk,
  createStaffMember,
} from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import {
  consultations,
  consultationWaitlist,
  districts,
  families,
  messages,
  notifications,
  outbox,
  psychologistSchedules,
  requestEvents,
  requests,
  staff,
  supervisorAlerts,
} from '../../db/schema/index.js';
import { defaultPolicies } from '../../deadline-policies.js';
import { createI18n } from '../../i18n.js';
import { createLogger } from '../../logger.js';
import { createDeliveryMetrics } from '../../metrics/delivery.metrics.js';
import { createAppNotifications } from '../../roles/pipeline.js';
import { type SendSlots, sendClasses } from '../../telegram/send-slots.js';
import type { SendStep, TelegramSender } from '../../telegram/telegram-sender.js';
import { createDeliveryProcessor } from '../../workers/delivery.worker.js';
import { fireEscalation, flushDigest } from '../deadlines/deadlines.usecases.js';
import { createNotificationsRepository, withdrawnReason } from '../delivery/index.js';
import { recordStaffView, retractionKind } from '../delivery/retraction.js';
import { bookSlot } from '../psychologists/psychologists.booking.js';
import { routeConsultationChange } from '../psychologists/psychologists.routing.js';
import { routeRelayedMessage } from '../relay/relay.routing.js';
import { deactivateStaff } from './supervision.departure.js';
import { notifyReassignment } from './supervision.notices.js';

/**
 * The admin deactivates a curator (`staff deactivate`): their open requests go with their families to the
 * colleague who takes them over, what was still on its way to them is withdrawn, the family's messages
 * among it reach the colleague, and the former curator's chat gets nothing more.
 */
const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 6 });
afterAll(async () => {
  await sql.end();
});

/** What the fake Telegram was asked to send, per chat: the text, or the kind of step. */
function recordingSender() {
  const sent: Array<{ chatId: number; text: string }> = [];
  let next = 5000;
  const sender: TelegramSender = {
    async sendText(chatId, text) {
      sent.push({ chatId, text });
      return { kind: 'sent', messageId: next++ };
    },
    async sendStep(chatId, step: SendStep) {
      sent.push({ chatId, text: 'text' in step && typeof step.text === 'string' ? step.text : step.type });
      return { kind: 'sent', messageId: next++ };
    },
  };
  const deliver = createDeliveryProcessor({
    db,
    i18n: createI18n(),
    timeZone: 'Europe/Moscow',
    notifications: createAppNotifications(),
    sender,
    // Telegram's pacing is not what this is about: every send may go at once.
    slots: {
      acquire: async () => ({ kind: 'granted' }),
      release: async () => {},
      limits: { perChatGapMs: 0 },
    } as unknown as SendSlots,
    metrics: createDeliveryMetrics(),
    logger: createLogger({ level: 'silent' }),
  });
  return { sent, deliver };
}

/**
 * A district of its own: Олег (leaving) and Анна (unless `alone`), curators; Елена, its supervisor (with
 * `regional`: a regional supervisor instead, the district having none of its own).
 */
async function world({ alone = false, regional = false } = {}) {
  const base = 7_400_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
  const [district] = await db
    .insert(districts)
    .values({ code: `departure-${base}`, name: 'Район ухода', kind: 'municipal' })
    .returning();
  const districtIds = [district!.id];
  const oleg = await createStaffMember(db, { telegramId: base + 1, districtIds, fullName: 'Олег Уходящий' });
  const anna = await createStaffMember(db, {
    telegramId: base + 2,
    districtIds: alone ? [] : districtIds,
    fullName: 'Анна Остающаяся',
  });
  const elena = await createStaffMember(db, {
    telegramId: base + 3,
    role: 'supervisor',
    fullName: 'Елена Руководитель',
    ...(regional ? { regional: true } : { districtIds }),
  });
  const familyOf = async (telegramId: number, curatorId: number) => {
    const { family } = await createRegisteredFamily(db, { telegramId, districtId: district!.id, curatorId });
    const request = await createConfirmedRequest(db, { familyId: family.id });
    // Routed to Олег, as routing would have done.
    await db
      .update(requests)
      .set({ curatorId: oleg.id, status: 'assigned', assignedAt: new Date() })
      .where(eq(requests.id, request.id));
    return { family, request, chatId: telegramId };
  };
  // Олег's family, and Анна's family whose request Олег has.
  const own = await familyOf(base + 5, oleg.id);
  const annas = await familyOf(base + 6, anna.id);
  const write = async (to: typeof own, requestId: number | null, text: string) => {
    const [row] = await db
      .insert(messages)
      .values({
        familyId: to.family.id,
        requestId,
        direction: 'family_to_staff',
        kind: 'text',
        text,
        familyChatId: to.chatId,
      })
      .returning({ id: messages.id });
    await routeRelayedMessage({ db }, { messageId: row!.id });
  };
  return { oleg, anna, elena, own, annas, write };
}

/** The reassignment notices jobs of the outbox rows the deactivation wrote, as the routing worker runs them. */
async function runNotices(since: number) {
  const rows = await db
    .select()
    .from(outbox)
    .where(inArray(outbox.kind, ['request_reassigned', 'family_reassigned']))
    .orderBy(asc(outbox.id));
  for (const row of rows.filter((r) => r.id > since)) {
    await notifyReassignment({ db }, { kind: row.kind, payload: row.payload, outboxId: row.id } as never);
  }
}

/** What is still to go to this chat, in the order its delivery lane sends it (send class, then time). */
async function inLaneOrder(chatId: number) {
  const { sendClassOf } = createAppNotifications();
  const rows = await createNotificationsRepository({ db }).pendingInChats([chatId]);
  const rank = (kind: string) => sendClasses.indexOf(sendClassOf(kind));
  rows.sort((a, b) => rank(a.kind) - rank(b.kind) || a.orderUs - b.orderUs || a.orderId - b.orderId);
  return rows.map((row) => row.id);
}

/** What is still to go to these chats. */
async function pendingIds(chatIds: number[]) {
  const rows = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.status, 'pending'), inArray(notifications.chatId, chatIds)))
    .orderBy(asc(notifications.id));
  return rows.map((row) => row.id);
}

/** A message the bot sent to this staff member's chat earlier (message `messageId` there). */
async function sentTo(
  member: { id: number; telegramId: number },
  messageId: number,
  row: {
    kind: string;
    requestId?: number | null;
    familyId?: number | null;
    payload?: Record<string, unknown>;
  },
) {
  const [inserted] = await db
    .insert(notifications)
    .values({
      dedupeKey: `test:${member.telegramId}:${messageId}`,
      kind: row.kind,
      requestId: row.requestId ?? null,
      familyId: row.familyId ?? null,
      recipientStaffId: member.id,
      chatId: member.telegramId,
      status: 'sent',
      telegramMessageId: messageId,
      payload: row.payload ?? {},
      sentAt: new Date(),
    })
    .returning({ id: notifications.id });
  return inserted!.id;
}

/** What this chat is shown when everything still to go to it is delivered, in order. */
async function deliveredTo(chatId: number) {
  const { sent, deliver } = recordingSender();
  for (const id of await pendingIds([chatId])) await deliver(id);
  return sent.filter((message) => message.chatId === chatId).map((message) => message.text);
}

/** The take-backs made in this chat: the message each replaces, and whether a file there is deleted. */
async function takeBacksIn(chatId: number) {
  const rows = await db
    .select({ payload: notifications.payload })
    .from(notifications)
    .where(and(eq(notifications.kind, retractionKind), eq(notifications.chatId, chatId)))
    .orderBy(asc(notifications.id));
  return rows.map((row) => ({
    messageId: row.payload.messageId,
    reason: row.payload.reason,
    left: row.payload.left,
  }));
}

const numberOf = async (requestId: number) =>
  (await db.select({ number: requests.number }).from(requests).where(eq(requests.id, requestId)))[0]!.number;

describe('a curator deactivated', () => {
  it('hands their open requests on, withdraws what was on its way to them and sends their chat nothing more', async () => {
    const { oleg, anna, own, annas, write } = await world();
    await write(own, own.request.id, 'Когда придёт няня?');
    await write(own, null, 'Спасибо за помощь');
    await write(annas, annas.request.id, 'Мы ждём ответа');
    const fired = await fireEscalation(
      { db, policies: defaultPolicies, now: own.request.takeDeadlineAt },
      { requestId: own.request.id, clock: 'take', level: 'reminder' },
    );
    expect(fired.notificationIds).toHaveLength(1);
    const olegsPending = (
      await db
        .select({ id: notifications.id, kind: notifications.kind })
        .from(notifications)
        .where(and(eq(notifications.recipientStaffId, oleg.id), eq(notifications.status, 'pending')))
    ).map((row) => row.kind);
    expect(olegsPending.sort()).toEqual([
      'escalation_reminder',
      'relay_to_staff',
      'relay_to_staff',
      'relay_to_staff',
    ]);
    const [lastOutbox] = await db.select({ id: outbox.id }).from(outbox).orderBy(desc(outbox.id)).limit(1);

    const result = await deactivateStaff({ db }, oleg.id);

    // Nothing of Олег's is still to go: each withdrawn unsent.
    const olegs = await db
      .select({ status: notifications.status, lastError: notifications.lastError })
      .from(notifications)
      .where(eq(notifications.recipientStaffId, oleg.id));
    expect(olegs.map((row) => `${row.status}: ${row.lastError}`)).toEqual(
      olegs.map(() => `failed: ${withdrawnReason}`),
    );
    expect(result?.withdrawn).toBe(4);
    // Both requests are Анна's now: the family's with the family, the other one as its family's curator's.
    const after = await db
      .select({ id: requests.id, curatorId: requests.curatorId })
      .from(requests)
      .where(inArray(requests.id, [own.request.id, annas.request.id]));
    expect(after.map((row) => row.curatorId)).toEqual([anna.id, anna.id]);
    const events = await db
      .select({ actorKind: requestEvents.actorKind, data: requestEvents.data })
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, own.request.id), eq(requestEvents.type, 'reassigned')));
    expect(events).toEqual([
      {
        actorKind: 'system',
        data: { fromStaffId: oleg.id, toStaffId: anna.id, status: 'assigned', left: true, family: true },
      },
    ]);
    const written = await db
      .select({ kind: outbox.kind, payload: outbox.payload })
      .from(outbox)
      .where(eq(outbox.id, lastOutbox!.id + 1));
    expect(written).toEqual([
      {
        kind: 'family_reassigned',
        payload: {
          familyId: own.family.id,
          fromStaffId: oleg.id,
          toStaffId: anna.id,
          byStaffId: null,
          requestIds: [own.request.id],
        },
      },
    ]);
    // The family's three messages are on their way to Анна, put in their lanes by the staff_deactivated job.
    const copies = await db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          eq(notifications.recipientStaffId, anna.id),
          eq(notifications.kind, 'relay_to_staff'),
          eq(notifications.status, 'pending'),
        ),
      )
      .orderBy(asc(notifications.id));
    expect(copies).toHaveLength(3);
    const [deactivated] = await db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(eq(outbox.kind, 'staff_deactivated'))
      .orderBy(desc(outbox.id))
      .limit(1);
    expect(deactivated!.payload).toEqual({
      staffId: oleg.id,
      readdressedIds: copies.map((c) => c.id),
      takenBackIds: [],
    });

    // Everything those jobs make is delivered: Анна gets the cards and the messages, Олег nothing.
    await runNotices(lastOutbox!.id);
    const { sent, deliver } = recordingSender();
    for (const id of await pendingIds([oleg.telegramId])) await deliver(id);
    for (const id of await inLaneOrder(anna.telegramId)) await deliver(id);
    expect(sent.filter((message) => message.chatId === oleg.telegramId)).toEqual([]);
    const annasTexts = sent.filter((m) => m.chatId === anna.telegramId).map((m) => m.text);
    const at = (said: string) => annasTexts.findIndex((t) => t.includes(said));
    for (const text of ['Когда придёт няня?', 'Спасибо за помощь', 'Мы ждём ответа']) {
      expect(at(text)).toBeGreaterThanOrEqual(0);
    }
    // Анна reads what she was given before the family's words that were on their way: the family first.
    const familyCard = at('👋 Вам передана семья: прежний куратор больше не работает в службе.');
    expect(familyCard).toBeGreaterThanOrEqual(0);
    expect(familyCard).toBeLessThan(at('Когда придёт няня?'));
    const cards: number[] = [];
    for (const request of [own.request, annas.request]) {
      const [row] = await db
        .select({ number: requests.number })
        .from(requests)
        .where(eq(requests.id, request.id));
      cards.push(
        annasTexts.findIndex((t) =>
          t.startsWith(`Вам передана заявка № ${row!.number}: прежний куратор больше не работает в службе.`),
        ),
      );
    }
    expect(cards[0]).toBeGreaterThan(familyCard);
    expect(cards[0]).toBeLessThan(at('Когда придёт няня?'));
    // The other family's request card before its words.
    expect(cards[1]).toBeGreaterThanOrEqual(0);
    expect(cards[1]).toBeLessThan(at('Мы ждём ответа'));
  });

  it('is sent nothing by the delivery worker however it was deactivated; a take-back of their messages goes', async () => {
    const { oleg, own } = await world();
    const fired = await fireEscalation(
      { db, policies: defaultPolicies, now: own.request.takeDeadlineAt },
      { requestId: own.request.id, clock: 'take', level: 'reminder' },
    );
    const [takeBack] = await db
      .insert(notifications)
      .values({
        kind: retractionKind,
        dedupeKey: `retract:erased:${oleg.telegramId}:77`,
        requestId: own.request.id,
        recipientStaffId: oleg.id,
        chatId: oleg.telegramId,
        payload: { messageId: 77, reason: 'erased' },
      })
      .returning({ id: notifications.id });
    // Made inactive behind the deactivation's back: the worker reads it when the turn comes.
    await db.update(staff).set({ active: false }).where(eq(staff.id, oleg.id));
    const { sent, deliver } = recordingSender();
    const turn = await deliver(fired.notificationIds[0]!);
    expect(turn.outcome).toBe('withdrawn');
    const [reminder] = await db
      .select({
        status: notifications.status,
        lastError: notifications.lastError,
        attempts: notifications.attempts,
      })
      .from(notifications)
      .where(eq(notifications.id, fired.notificationIds[0]!));
    // Withdrawn, not tried: no attempt counted, as for those the deactivation withdrew itself.
    expect(reminder).toEqual({ status: 'failed', lastError: withdrawnReason, attempts: 0 });
    await deliver(takeBack!.id);
    expect(sent).toEqual([
      { chatId: oleg.telegramId, text: expect.stringContaining('Данные семьи удалены') },
    ]);
  });

  it('with no colleague in the district: the family and its request are left to the supervisor, who gets its message', async () => {
    const { oleg, anna, elena, own, write } = await world({ alone: true });
    await write(own, own.request.id, 'Когда придёт няня?');
    // Олег stands in for Анна when she is away: her family's row is locked too (lockFamiliesDeputedTo).
    await db.update(staff).set({ deputyId: oleg.id }).where(eq(staff.id, anna.id));
    await deactivateStaff({ db }, oleg.id);
    const [family] = await db
      .select({ curatorId: families.curatorId })
      .from(families)
      .where(eq(families.id, own.family.id));
    expect(family!.curatorId).toBe(null);
    const [request] = await db
      .select({ curatorId: requests.curatorId })
      .from(requests)
      .where(eq(requests.id, own.request.id));
    // Nobody decided to give it to anyone: it stays on record as Олег's, and routing skips him.
    expect(request!.curatorId).toBe(oleg.id);
    const copies = await db
      .select({ recipient: notifications.recipientStaffId, status: notifications.status })
      .from(notifications)
      .where(and(eq(notifications.familyId, own.family.id), eq(notifications.kind, 'relay_to_staff')))
      .orderBy(asc(notifications.id));
    expect(copies).toEqual([
      { recipient: oleg.id, status: 'failed' },
      { recipient: elena.id, status: 'pending' },
    ]);
  });

  it('with no colleague in the district: his card and reminder are taken back for the supervisor, and no reminder is made for him', async () => {
    const { oleg, own } = await world({ alone: true });
    // Олег's card of the request (message 601) and its take reminder (602) are in his chat.
    await db.insert(notifications).values({
      kind: 'request_card',
      dedupeKey: `request:${own.request.id}:card:staff:${oleg.id}`,
      requestId: own.request.id,
      recipientStaffId: oleg.id,
      chatId: oleg.telegramId,
      status: 'sent',
      telegramMessageId: 601,
      sentAt: new Date(),
    });
    const fired = await fireEscalation(
      { db, policies: defaultPolicies, now: own.request.takeDeadlineAt },
      { requestId: own.request.id, clock: 'take', level: 'reminder' },
    );
    await db
      .update(notifications)
      .set({ status: 'sent', telegramMessageId: 602, sentAt: new Date() })
      .where(eq(notifications.id, fired.notificationIds[0]!));

    await deactivateStaff({ db }, oleg.id);

    // What Олег's chat shows: both messages replaced, the request with the district supervisor now.
    const { sent, deliver } = recordingSender();
    for (const id of await pendingIds([oleg.telegramId])) await deliver(id);
    const [request] = await db
      .select({ number: requests.number })
      .from(requests)
      .where(eq(requests.id, own.request.id));
    const notice = `Заявка № ${request!.number} передана руководителю района. Действия по ней вам больше недоступны, кнопки убраны.`;
    expect(sent).toEqual([
      { chatId: oleg.telegramId, text: notice },
      { chatId: oleg.telegramId, text: notice },
    ]);

    // Put in Олег's lane by the staff_deactivated job.
    const deactivated = (
      await db.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.kind, 'staff_deactivated'))
    ).find((row) => row.payload.staffId === oleg.id);
    expect((deactivated!.payload as { takenBackIds: number[] }).takenBackIds).toHaveLength(2);

    // Half the resolve window later: the request is the supervisors', no reminder is made for Олег.
    const resolveReminder = await fireEscalation(
      { db, policies: defaultPolicies, now: own.request.resolveDeadlineAt },
      { requestId: own.request.id, clock: 'resolve', level: 'reminder' },
    );
    expect(resolveReminder.outcome).toBe('fired');
    expect(resolveReminder.notificationIds).toEqual([]);
    const remindersToOleg = await db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          eq(notifications.recipientStaffId, oleg.id),
          eq(notifications.kind, 'escalation_reminder'),
          eq(notifications.status, 'pending'),
        ),
      );
    expect(remindersToOleg).toEqual([]);
  });

  it('with no supervisor in the district: his card says the regional supervisor has the request', async () => {
    const { oleg, own } = await world({ alone: true, regional: true });
    await sentTo(oleg, 611, { kind: 'request_card', requestId: own.request.id, familyId: own.family.id });

    await deactivateStaff({ db }, oleg.id);

    expect(await deliveredTo(oleg.telegramId)).toEqual([
      `Заявка № ${await numberOf(own.request.id)} передана региональному руководителю. Действия по ней вам больше недоступны, кнопки убраны.`,
    ]);
  });

  it("takes back the family's data from his chat: the family notice and family card, and closed requests' cards", async () => {
    const { oleg, own } = await world();
    // Олег was handed this family earlier (its notice), opened its card, and resolved an earlier request.
    const closed = await createConfirmedRequest(db, { familyId: own.family.id });
    await db
      .update(requests)
      .set({ curatorId: oleg.id, status: 'resolved', resolvedAt: new Date() })
      .where(eq(requests.id, closed.id));
    await sentTo(oleg, 621, {
      kind: 'sup_family_reassigned_to',
      payload: { familyId: own.family.id, requestIds: [], curatorLeft: true },
    });
    // The family card, opened from the open request's card.
    await sentTo(oleg, 622, {
      kind: 'staff_view_shown',
      requestId: own.request.id,
      familyId: own.family.id,
      payload: { what: 'family_card' },
    });
    await sentTo(oleg, 623, { kind: 'request_card', requestId: closed.id, familyId: own.family.id });
    await sentTo(oleg, 624, { kind: 'request_card', requestId: own.request.id, familyId: own.family.id });
    // The family's message about its request, copied to him; and one of a member who since deleted their
    // data, taken back then (not edited again).
    await sentTo(oleg, 625, { kind: 'relay_to_staff', requestId: own.request.id, familyId: own.family.id });
    await sentTo(oleg, 626, { kind: 'relay_to_staff', requestId: own.request.id, familyId: own.family.id });
    await db.insert(notifications).values({
      kind: retractionKind,
      dedupeKey: `retract:erased:${oleg.telegramId}:626`,
      recipientStaffId: oleg.id,
      chatId: oleg.telegramId,
      status: 'sent',
      payload: { messageId: 626, reason: 'erased' },
    });

    await deactivateStaff({ db }, oleg.id);

    const family = 'Семья передана другому куратору: Анна Остающаяся. Её сообщения вам больше не приходят.';
    const handedOn = `Заявка № ${await numberOf(own.request.id)} передана другому куратору: Анна Остающаяся. Действия по ней вам больше недоступны, кнопки убраны.`;
    expect(await deliveredTo(oleg.telegramId)).toEqual([
      family,
      family,
      `Заявка № ${await numberOf(closed.id)}: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!`,
      handedOn,
      handedOn,
    ]);
    // Each once, its files deleted rather than left with a new caption.
    expect(await takeBacksIn(oleg.telegramId)).toEqual([
      { messageId: 626, reason: 'erased', left: undefined },
      { messageId: 621, reason: 'handed_over', left: true },
      { messageId: 622, reason: 'handed_over', left: true },
      { messageId: 623, reason: 'access_ended', left: undefined },
      { messageId: 624, reason: 'handed_over', left: true },
      { messageId: 625, reason: 'handed_over', left: true },
    ]);
  });
});

describe('a curator with hundreds of closed requests deactivated', () => {
  it("has each closed request's card taken back once, in his chat's lane one at a time", async () => {
    const { oleg, own } = await world();
    const closed = await createConfirmedRequestsInBulk(db, [own.family.id], 300);
    await db
      .update(requests)
      .set({ curatorId: oleg.id, status: 'resolved', resolvedAt: new Date() })
      .where(
        inArray(
          requests.id,
          closed.map((request) => request.id),
        ),
      );
    await db.insert(notifications).values(
      closed.map((request, index) => ({
        dedupeKey: `test:${oleg.telegramId}:${1000 + index}`,
        kind: 'request_card',
        requestId: request.id,
        familyId: own.family.id,
        recipientStaffId: oleg.id,
        chatId: oleg.telegramId,
        status: 'sent' as const,
        telegramMessageId: 1000 + index,
        sentAt: new Date(),
      })),
    );

    await deactivateStaff({ db }, oleg.id);

    // One take-back per card, all waiting in his chat's lane: it sends one at a time, at the chat's pace.
    const [deactivated] = await db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(
        and(eq(outbox.kind, 'staff_deactivated'), raw`(${outbox.payload}->>'staffId')::int = ${oleg.id}`),
      );
    expect((deactivated!.payload as { takenBackIds: number[] }).takenBackIds).toHaveLength(300);
    const lane = await createNotificationsRepository({ db }).pendingInChats([oleg.telegramId]);
    expect(lane).toHaveLength(300);
    const { sendClassOf } = createAppNotifications();
    expect([...new Set(lane.map((row) => sendClassOf(row.kind)))]).toEqual(['notice']);
    const reasons = await takeBacksIn(oleg.telegramId);
    expect(new Set(reasons.map((row) => row.messageId)).size).toBe(300);
    expect(new Set(reasons.map((row) => row.reason))).toEqual(new Set(['access_ended']));
  });
});

describe('a supervisor deactivated', () => {
  it('has their cards, alerts and digests of open requests taken back: their access ended, nothing handed to them', async () => {
    const { oleg, elena, own, annas } = await world();
    await db.update(requests).set({ status: 'cancelled' }).where(eq(requests.id, annas.request.id));
    await sentTo(elena, 631, { kind: 'request_card', requestId: own.request.id, familyId: own.family.id });
    await sentTo(elena, 632, { kind: 'escalation_alert', requestId: own.request.id });
    await sentTo(elena, 633, {
      kind: 'escalation_digest',
      payload: { requestIds: [annas.request.id, own.request.id] },
    });
    // About a request closed since: no family's data, its buttons refused; left as it is.
    await sentTo(elena, 634, { kind: 'escalation_alert', requestId: annas.request.id });
    await sentTo(elena, 635, { kind: 'escalation_digest', payload: { requestIds: [annas.request.id] } });

    await deactivateStaff({ db }, elena.id);

    expect(await deliveredTo(elena.telegramId)).toEqual([
      `Заявка № ${await numberOf(own.request.id)}: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!`,
      `Заявка № ${await numberOf(own.request.id)}: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!`,
      'Ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!',
    ]);
    // The request stays Олег's: nothing of his was touched.
    expect(await takeBacksIn(oleg.telegramId)).toEqual([]);
  });

  it('is made no digest of the alerts buffered for them before they left', async () => {
    const { elena, own } = await world();
    // Six requests overdue at once: five alerts go on their own, the sixth waits for the digest.
    const overdue = [own.request];
    for (let i = 0; i < 5; i++) overdue.push(await createConfirmedRequest(db, { familyId: own.family.id }));
    const digests = [];
    for (const request of overdue) {
      const fired = await fireEscalation(
        { db, policies: defaultPolicies, now: own.request.takeDeadlineAt },
        { requestId: request.id, clock: 'take', level: 'district' },
      );
      digests.push(...fired.digests);
    }
    expect(digests.map((digest) => digest.staffId)).toEqual([elena.id]);

    await deactivateStaff({ db }, elena.id);

    expect(await flushDigest({ db }, elena.id)).toEqual([]);
    const made = await db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.recipientStaffId, elena.id), eq(notifications.kind, 'escalation_digest')));
    expect(made).toEqual([]);
    // Nothing left owed: a restart's reconciler schedules no digest for her.
    const owed = await db
      .select({ id: supervisorAlerts.id })
      .from(supervisorAlerts)
      .where(and(eq(supervisorAlerts.staffId, elena.id), isNull(supervisorAlerts.notificationId)));
    expect(owed).toEqual([]);
  });
});

describe('a psychologist deactivated', () => {
  it('refuses a slot of theirs pressed while their deactivation is under way: no booking is left with nobody', async () => {
    const { own } = await world();
    const base = 7_200_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
    const vera = await createStaffMember(db, {
      telegramId: base + 1,
      role: 'psychologist',
      fullName: 'Вера Уходящая',
      regional: true,
    });
    await db.insert(psychologistSchedules).values({
      staffId: vera.id,
      slotMinutes: 60,
      hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 })),
      formats: ['phone'],
    });
    const request = await createConfirmedRequest(db, { familyId: own.family.id, category: 'psychologist' });
    const hour = 3_600_000;
    const startsAt = new Date((Math.floor(Date.now() / hour) + 3) * hour);
    const press = { familyId: own.family.id, requestId: request.id, staffId: vera.id, startsAt };

    // The deactivation's first write (her staff row) is made and not yet committed when the family presses.
    const admin = createDb(process.env.DATABASE_URL!, { max: 1 });
    const { outcome, started } = await admin.sql.begin(async (tx) => {
      await tx`update staff set active = false, on_call = false where id = ${vera.id}`;
      return startWhileHeld(tx, () => bookSlot({ db, timeZone: 'Europe/Moscow' }, press));
    });
    await admin.sql.end();

    expect(outcome).toBe('waits');
    expect(await started).toEqual({ ok: false, reason: 'not_slot' });
    const left = await db.select().from(consultations).where(eq(consultations.psychologistId, vera.id));
    expect(left).toEqual([]);
  });

  it('has each message naming a family taken back by its booking, its future bookings cancelled in the same transaction, and sent no cancellation notice', async () => {
    const { own, annas, elena } = await world();
    const base = 7_300_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
    const sofia = await createStaffMember(db, {
      telegramId: base + 1,
      role: 'psychologist',
      fullName: 'Софья Уходящая',
    });
    const booking = async (request: typeof own.request, startsAt: Date, status: 'booked' | 'held') => {
      const [row] = await db
        .insert(consultations)
        .values({
          requestId: request.id,
          familyId: request.familyId,
          psychologistId: sofia.id,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 3_600_000),
          format: 'phone',
          joinToken: `t-${base}-${request.id}`,
          status,
        })
        .returning();
      return row!;
    };
    const asking = await createConfirmedRequest(db, { familyId: own.family.id, category: 'psychologist' });
    const ahead = await booking(asking, new Date(Date.now() + 2 * 86_400_000), 'booked');
    const held = await booking(annas.request, new Date(Date.now() - 86_400_000), 'held');
    await sentTo(sofia, 701, {
      kind: 'consultation_booked',
      requestId: asking.id,
      payload: { consultationId: ahead.id },
    });
    await sentTo(sofia, 702, {
      kind: 'consultation_reminder_staff',
      requestId: annas.request.id,
      payload: { consultationId: held.id, lead: '1h' },
    });
    // The day-before reminder was on its way when she left: withdrawn unsent.
    const [pending] = await db
      .insert(notifications)
      .values({
        dedupeKey: `test:${sofia.telegramId}:pending`,
        kind: 'consultation_reminder_staff',
        requestId: asking.id,
        recipientStaffId: sofia.id,
        chatId: sofia.telegramId,
        payload: { consultationId: ahead.id, lead: '24h' },
      })
      .returning({ id: notifications.id });

    const result = await deactivateStaff({ db }, sofia.id);

    expect(result?.consultationsCancelled).toBe(1);
    const [cancelled] = await db.select().from(consultations).where(eq(consultations.id, ahead.id));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'left', cancelledBy: 'staff' });
    const [withdrawn] = await db.select().from(notifications).where(eq(notifications.id, pending!.id));
    expect(withdrawn).toMatchObject({ status: 'failed', lastError: withdrawnReason });
    expect(await deliveredTo(sofia.telegramId)).toEqual([
      `Запись № ${ahead.id} отменена: ваша учётная запись сотрудника отключена, сведения о семье убраны. Семье мы сообщили и предложили записаться снова. Спасибо за вашу работу!`,
      `Запись № ${held.id}: ваша учётная запись сотрудника отключена, сведения о семье убраны. Спасибо за вашу работу!`,
    ]);
    // The cancellation's event tells the family and the curator (routing, run here), never the psychologist.
    const [event] = await db
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.kind, 'consultation_changed'),
          raw`${outbox.payload}->>'consultationId' = ${String(ahead.id)}`,
        ),
      );
    expect(event?.payload).toEqual({ consultationId: ahead.id, change: 'cancelled_by_psychologist' });
    const told = await routeConsultationChange({ db, timeZone: 'Europe/Moscow' }, event!.id, {
      consultationId: ahead.id,
      change: 'cancelled_by_psychologist',
    });
    const recipients = await db
      .select({ kind: notifications.kind, staffId: notifications.recipientStaffId })
      .from(notifications)
      .where(inArray(notifications.id, told));
    expect(recipients).toContainEqual({ kind: 'consultation_psychologist_cancelled', staffId: null });
    expect(recipients.filter((row) => row.staffId === sofia.id)).toEqual([]);
    // No other psychologist has time: the family, told it is on the waiting list, is on it, and the
    // district supervisor is alerted.
    expect(recipients).toContainEqual({ kind: 'consultation_waitlist_alert', staffId: elena.id });
    const [waiting] = await db
      .select()
      .from(consultationWaitlist)
      .where(eq(consultationWaitlist.requestId, asking.id));
    expect(waiting).toMatchObject({ familyId: own.family.id, leftAt: null });
    expect(await pendingIds([sofia.telegramId])).toEqual([]);
  });

  it('takes back a family card they opened while their deactivation was committing: the view waits for it and takes itself back', async () => {
    const { oleg, own } = await world();
    // Олег pressed «Карточка семьи»; the card went out as message 901, and its record comes while the
    // deactivation's first write (his staff row) is made and not yet committed — too late for its scan.
    const admin = createDb(process.env.DATABASE_URL!, { max: 1 });
    const { outcome, started } = await admin.sql.begin(async (tx) => {
      await tx`update staff set active = false, on_call = false where id = ${oleg.id}`;
      return startWhileHeld(tx, () =>
        recordStaffView(db, {
          staffId: oleg.id,
          chatId: oleg.telegramId,
          messageIds: [901],
          familyId: own.family.id,
          what: 'family_card',
        }),
      );
    });
    await admin.sql.end();
    await started;

    expect(outcome).toBe('waits');
    const [takeBack] = await db
      .select({ id: notifications.id, status: notifications.status, payload: notifications.payload })
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, retractionKind),
          eq(notifications.chatId, oleg.telegramId),
          raw`(${notifications.payload}->>'messageId')::int = 901`,
        ),
      );
    expect(takeBack).toMatchObject({ status: 'pending', payload: { reason: 'access_ended' } });
    const queued = await db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(
        and(eq(outbox.kind, 'staff_deactivated'), raw`(${outbox.payload}->>'staffId')::int = ${oleg.id}`),
      );
    expect(queued.map((row) => row.payload)).toContainEqual(
      expect.objectContaining({ takenBackIds: [takeBack!.id] }),
    );
  });
});
