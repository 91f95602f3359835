import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { isWaitingToBeTaken, openRequestStatuses } from '../../db/schema/enums.js';
import { districts, families, familyMembers, notifications, requests, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import type { OutboxEvent } from '../../queue/outbox.js';
import { formatRegionTime, regionTimePhrase } from '../../time.js';
import { curatorCardView } from '../curator/index.js';
import { familyCallback } from '../curator-tools/index.js';
import { deadlineNotificationKinds } from '../deadlines/index.js';
import {
  applicantNameOf,
  type FeatureNotifications,
  type Notification,
  type NotificationContent,
  retractHandedOver,
  retractionKind,
} from '../delivery/index.js';
import { firstMessageWaitingFor, type ReassignedScope, readdressPendingCopies } from '../relay/index.js';
import { filesAfterCard, shownCardKind } from '../request-card/index.js';
import { notificationKinds } from '../routing/index.js';
import { createSupervisionRepository, type SupervisionRepository } from './supervision.repository.js';

/** Notifications of reassignment; their texts are in supervision.ftl, built when sent (rows keep ids). */
export const supervisionNotificationKinds = {
  /** To the new curator: the request is theirs now, with its card and the buttons its status allows. */
  requestReassignedTo: 'sup_request_reassigned_to',
  /** To the curator who had it: it went to someone else. */
  requestReassignedFrom: 'sup_request_reassigned_from',
  /** To each family member: who looks after the request now. */
  familyRequestReassigned: 'sup_family_request_reassigned',
  familyReassignedTo: 'sup_family_reassigned_to',
  familyReassignedFrom: 'sup_family_reassigned_from',
  /** To each family member: their curator changed. */
  familyCuratorChanged: 'sup_family_curator_changed',
} as const;

type ReassignmentEvent = Extract<OutboxEvent, { kind: 'request_reassigned' | 'family_reassigned' }>;

/**
 * The notifications a reassignment produces: the new curator, the old one (if any) and every family member
 * in Telegram. Dedupe keys derive from the outbox row, so a job run twice creates nothing new.
 */
export async function notifyReassignment(
  { db }: { db: Db },
  event: ReassignmentEvent & { outboxId: number },
): Promise<number[]> {
  const repository = createSupervisionRepository({ db });
  const out: Outgoing = { db, repository, outboxId: event.outboxId, rows: [] };
  const retracted = await retractFromOthers(db, event);
  const scope = await movedScope(out, event);
  const readdressed = scope ? await readdressPendingCopies(db, scope) : [];
  const { toStaffId } = event.payload;
  const waiting =
    scope && (await firstMessageWaitingFor(db, { staffId: toStaffId, familyId: scope.familyId }));
  if (waiting !== undefined) out.firstWaiting = { staffId: toStaffId, messageId: waiting };
  if (event.kind === 'request_reassigned') await requestReassigned(out, event.payload, scope?.familyId);
  else await familyReassigned(out, event.payload);
  return [...retracted, ...readdressed, ...(await repository.insertNotifications(out.rows))];
}

/**
 * What the reassignment moved, for the family's messages still on their way (readdressPendingCopies);
 * undefined for a request that is gone (no messages left to move, no family to tell).
 */
async function movedScope(out: Outgoing, event: ReassignmentEvent): Promise<ReassignedScope | undefined> {
  if (event.kind === 'family_reassigned') {
    const { familyId, requestIds } = event.payload;
    return { familyId, requestIds, familyLevel: true };
  }
  const { requestId } = event.payload;
  const [request] = await out.db
    .select({ familyId: requests.familyId })
    .from(requests)
    .where(eq(requests.id, requestId));
  return request && { familyId: request.familyId, requestIds: [requestId], familyLevel: false };
}

/** The rows a reassignment job is adding, each keyed by the job's outbox row. */
interface Outgoing {
  db: Db;
  repository: SupervisionRepository;
  outboxId: number;
  rows: Parameters<SupervisionRepository['insertNotifications']>[0];
  /**
   * The family's first message still on its way to the person now in charge: the notices to them go
   * before it in their chat (the lane orders by `beforeMessageId`), so the card comes before the words.
   */
  firstWaiting?: { staffId: number; messageId: number };
}

const outboxKey = (out: Outgoing, rest: string) => `outbox:${out.outboxId}:${rest}`;

/** A notice to a staff member, if their chat is known. */
async function toStaff(
  out: Outgoing,
  notice: {
    staffId: number;
    kind: string;
    key: string;
    requestId: number | null;
    payload?: Record<string, unknown>;
  },
) {
  const chatId = await out.repository.staffChat(notice.staffId);
  if (chatId === undefined) return;
  const before =
    out.firstWaiting?.staffId === notice.staffId ? { beforeMessageId: out.firstWaiting.messageId } : {};
  out.rows.push({
    kind: notice.kind,
    dedupeKey: outboxKey(out, notice.key),
    requestId: notice.requestId,
    recipientStaffId: notice.staffId,
    chatId,
    payload: { ...notice.payload, ...before },
  });
}

/** A notice to every family member in Telegram: who looks after them (or the request) now. */
async function toFamily(
  out: Outgoing,
  familyId: number,
  notice: { kind: string; requestId?: number; toStaffId: number },
) {
  for (const member of await out.repository.reachableMembersOfFamily(familyId)) {
    out.rows.push({
      kind: notice.kind,
      dedupeKey: outboxKey(out, `member:${member.id}`),
      ...(notice.requestId === undefined ? {} : { requestId: notice.requestId }),
      recipientMemberId: member.id,
      chatId: member.telegramId,
      payload: { staffId: notice.toStaffId },
    });
  }
}

/**
 * The cards and reminders of the curators who no longer have the request stop offering anything: each is
 * edited to say it was handed over, and to whom.
 */
async function retractFromOthers(db: Db, event: ReassignmentEvent) {
  const retracted: number[] = [];
  const moved = event.kind === 'request_reassigned' ? [event.payload.requestId] : event.payload.requestIds;
  for (const requestId of moved) {
    retracted.push(
      ...(await retractHandedOver(db, {
        requestId,
        toStaffId: event.payload.toStaffId,
        kinds: handedOverKinds,
      })),
    );
  }
  return retracted;
}

/** No supervisor behind it: the previous curator left the service (deactivated). Said in the notices. */
const leftPayload = (payload: { byStaffId: number | null }) =>
  payload.byStaffId === null ? { curatorLeft: true } : {};

const changedHands = (payload: { fromStaffId: number | null; toStaffId: number }) =>
  payload.fromStaffId !== null && payload.fromStaffId !== payload.toStaffId;

async function requestReassigned(
  out: Outgoing,
  payload: Extract<ReassignmentEvent, { kind: 'request_reassigned' }>['payload'],
  /** The request's family (movedScope read it); undefined when the request is gone. */
  familyId: number | undefined,
) {
  const k = supervisionNotificationKinds;
  const { requestId, toStaffId, fromStaffId } = payload;
  await toStaff(out, {
    staffId: toStaffId,
    kind: k.requestReassignedTo,
    key: `staff:${toStaffId}`,
    requestId,
    payload: leftPayload(payload),
  });
  // The previous curator reads it on their edited card («Заявка № … передана другому куратору: …»); a
  // separate message only when no card of theirs was edited (none had been sent yet). One who left the
  // service (no supervisor behind it) is told nothing more.
  if (
    payload.byStaffId !== null &&
    changedHands(payload) &&
    fromStaffId !== null &&
    !(await cardHandedOverFor(out.db, requestId, fromStaffId, toStaffId))
  ) {
    await toStaff(out, {
      staffId: fromStaffId,
      kind: k.requestReassignedFrom,
      key: `staff:${fromStaffId}`,
      requestId,
      payload: { toStaffId },
    });
  }
  if (familyId !== undefined)
    await toFamily(out, familyId, { kind: k.familyRequestReassigned, requestId, toStaffId });
}

async function familyReassigned(
  out: Outgoing,
  payload: Extract<ReassignmentEvent, { kind: 'family_reassigned' }>['payload'],
) {
  const k = supervisionNotificationKinds;
  const { familyId, requestIds, toStaffId, fromStaffId } = payload;
  await toStaff(out, {
    staffId: toStaffId,
    kind: k.familyReassignedTo,
    key: `staff:${toStaffId}`,
    requestId: null,
    payload: { familyId, requestIds, ...leftPayload(payload) },
  });
  for (const requestId of requestIds) {
    await toStaff(out, {
      staffId: toStaffId,
      kind: k.requestReassignedTo,
      key: `request:${requestId}:staff:${toStaffId}`,
      requestId,
      payload: leftPayload(payload),
    });
  }
  if (payload.byStaffId !== null && changedHands(payload) && fromStaffId !== null) {
    await toStaff(out, {
      staffId: fromStaffId,
      kind: k.familyReassignedFrom,
      key: `staff:${fromStaffId}`,
      requestId: null,
      payload: { familyId, toStaffId },
    });
  }
  await toFamily(out, familyId, { kind: k.familyCuratorChanged, toStaffId });
}

/**
 * Whether a card or reminder of this request in `staffId`'s chat was taken back for the hand-over to
 * `toStaffId` (by this run or an earlier run of the same job).
 */
async function cardHandedOverFor(db: Db, requestId: number, staffId: number, toStaffId: number) {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, retractionKind),
        eq(notifications.requestId, requestId),
        eq(notifications.recipientStaffId, staffId),
        sql`${notifications.payload}->>'reason' = 'handed_over'`,
        sql`(${notifications.payload}->>'toStaffId')::int = ${toStaffId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Whether this family member was told (a notice sent) that the request now goes to `staffId`. */
export async function toldFamilyReassignedTo(
  db: DbOrTx,
  told: { requestId: number; memberId: number; staffId: number },
): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, supervisionNotificationKinds.familyRequestReassigned),
        eq(notifications.requestId, told.requestId),
        eq(notifications.recipientMemberId, told.memberId),
        eq(notifications.status, 'sent'),
        sql`(${notifications.payload}->>'staffId')::int = ${told.staffId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * The staff messages about a request that carry its buttons: what a reassignment takes back (and a
 * deactivation, from the chat of the person who left: supervision.departure.ts).
 */
export const handedOverKinds = [
  notificationKinds.requestCard,
  notificationKinds.curatorRequestReopened,
  shownCardKind,
  deadlineNotificationKinds.reminder,
  supervisionNotificationKinds.requestReassignedTo,
];

const staffPayload = z.object({ staffId: z.number().int().positive() });
const fromPayload = z.object({ toStaffId: z.number().int().positive() });
const familyToPayload = z.object({
  familyId: z.number().int().positive(),
  requestIds: z.array(z.number().int()),
  curatorLeft: z.boolean().optional(),
});
/** Who handed it over, in the notice's words: a supervisor, or nobody (the previous curator left). */
const byOf = (curatorLeft: unknown) => (curatorLeft === true ? 'left' : 'supervisor');
const familyFromPayload = z.object({
  familyId: z.number().int().positive(),
  toStaffId: z.number().int().positive(),
});

/** The text of a reassignment notification as it is when sent; undefined when it can no longer be built. */
export async function renderSupervisionNotice(
  deps: { db: Db; i18n: I18n; timeZone: string },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const k = supervisionNotificationKinds;
  const staffName = async (id: number) =>
    (await deps.db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, id)))[0]?.fullName;
  const requestNumber = async (id: number | null) =>
    id === null
      ? undefined
      : (await deps.db.select({ number: requests.number }).from(requests).where(eq(requests.id, id)))[0]
          ?.number;
  const staffT = deps.i18n.forLanguage('ru');

  switch (notification.kind) {
    case k.requestReassignedTo: {
      if (notification.requestId === null) return undefined;
      const requestId = notification.requestId;
      const number = await requestNumber(requestId);
      const view = await curatorCardView(deps, requestId, {
        before: staffT('sup-notice-request-to', {
          number: String(number),
          by: byOf(notification.payload.curatorLeft),
        }),
      });
      const staffId = notification.recipientStaffId;
      if (!view || staffId === null) return undefined;
      return {
        text: view.text,
        replyMarkup: view.keyboard,
        // The new curator gets the family's files too, as replies to the card.
        followUps: filesAfterCard(notification, requestId, staffId),
      };
    }
    case k.requestReassignedFrom: {
      const { toStaffId } = fromPayload.parse(notification.payload);
      const number = await requestNumber(notification.requestId);
      if (number === undefined) return undefined;
      return {
        text: staffT('sup-notice-request-from', {
          number: String(number),
          curator: (await staffName(toStaffId)) ?? '—',
        }),
      };
    }
    case k.familyReassignedTo: {
      const { familyId, requestIds, curatorLeft } = familyToPayload.parse(notification.payload);
      return renderFamilyHandedTo(deps, { familyId, requestIds, curatorLeft }, notification.recipientStaffId);
    }
    case k.familyReassignedFrom: {
      const { toStaffId } = familyFromPayload.parse(notification.payload);
      return { text: staffT('sup-notice-family-from', { curator: (await staffName(toStaffId)) ?? '—' }) };
    }
    case k.familyRequestReassigned:
    case k.familyCuratorChanged: {
      if (notification.recipientMemberId === null) return undefined;
      const { staffId } = staffPayload.parse(notification.payload);
      const [member] = await deps.db
        .select({ language: familyMembers.language, erasedAt: familyMembers.erasedAt })
        .from(familyMembers)
        .where(eq(familyMembers.id, notification.recipientMemberId));
      const curator = await staffName(staffId);
      if (!member || member.erasedAt || !curator) return undefined;
      const t = deps.i18n.forLanguage(member.language);
      if (notification.kind === k.familyCuratorChanged)
        return { text: t('sup-family-curator-changed', { curator }) };
      const number = await requestNumber(notification.requestId);
      if (number === undefined) return undefined;
      return { text: t('sup-family-request-reassigned', { curator, number: String(number) }) };
    }
    default:
      return undefined;
  }
}

/**
 * «Руководитель передал вам семью» (issue 13 §6): what the new curator needs to act — who the family is, its
 * district, and each open request now theirs with its category and the deadline that matters now (to take
 * it, or to resolve it), overdue ones marked — with the family card a tap away. Undefined when the family
 * deleted its data or was handed on again before this was sent: nothing true to say then.
 */
async function renderFamilyHandedTo(
  deps: { db: Db; i18n: I18n; timeZone: string },
  handed: { familyId: number; requestIds: number[]; curatorLeft?: boolean | undefined },
  recipientStaffId: number | null,
): Promise<NotificationContent | undefined> {
  const { familyId, requestIds } = handed;
  const t = deps.i18n.forLanguage('ru');
  const [family] = await deps.db
    .select({ district: districts.name, curatorId: families.curatorId, erasedAt: families.erasedAt })
    .from(families)
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(eq(families.id, familyId));
  if (!family || family.erasedAt || family.curatorId !== recipientStaffId) return undefined;
  const now = Date.now();
  // Only the requests still open and still this curator's when the notice goes.
  const open =
    requestIds.length === 0 || recipientStaffId === null
      ? []
      : await deps.db
          .select({
            number: requests.number,
            category: requests.category,
            status: requests.status,
            priority: requests.priority,
            takeDeadlineAt: requests.takeDeadlineAt,
            resolveDeadlineAt: requests.resolveDeadlineAt,
          })
          .from(requests)
          .where(
            and(
              inArray(requests.id, requestIds),
              eq(requests.curatorId, recipientStaffId),
              inArray(requests.status, [...openRequestStatuses]),
            ),
          )
          .orderBy(asc(requests.number));
  const lines = open.map((request) => {
    const stage = isWaitingToBeTaken(request.status) ? 'take' : 'work';
    const deadline = stage === 'take' ? request.takeDeadlineAt : request.resolveDeadlineAt;
    return t('sup-notice-family-to-request', {
      number: String(request.number),
      category: t('delivery-category', { category: request.category }),
      urgent: request.priority === 'urgent' ? 'yes' : 'no',
      stage,
      overdue: deadline.getTime() < now ? 'yes' : 'no',
      deadline: formatRegionTime(deadline, deps.timeZone),
    });
  });
  const text = [
    t('sup-notice-family-to', {
      by: byOf(handed.curatorLeft),
      name: (await applicantNameOf(deps.db, familyId)) ?? t('delivery-family-unknown'),
      district: family.district,
      count: open.length,
    }),
    ...lines,
    t('sup-notice-family-to-end', { count: open.length, regionTime: regionTimePhrase(t, deps.timeZone) }),
  ].join('\n');
  return {
    text,
    replyMarkup: new InlineKeyboard().text(t('cur-button-family'), familyCallback(familyId, 'card')),
  };
}

/** Notices of reassignment, for delivery's registry. */
export const supervisionNotifications: FeatureNotifications = {
  kinds: Object.values(supervisionNotificationKinds),
  render: renderSupervisionNotice,
  // What the new curator was given is their work now, as a request's first card is (routing): it goes with
  // the family's messages (urgent), ahead of them (`beforeMessageId`).
  sendClasses: {
    [supervisionNotificationKinds.requestReassignedTo]: 'urgent',
    [supervisionNotificationKinds.familyReassignedTo]: 'urgent',
  },
};
