import { eq, inArray } from 'drizzle-orm';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { districts, escalations, families, requests, staff } from '../../db/schema/index.js';
import type { I18n, Translate } from '../../i18n.js';
import { formatRegionTime, regionTimePhrase } from '../../time.js';
import { cardStageOf, curatorCardKeyboard } from '../curator/index.js';
import type { FeatureNotifications, Notification } from '../delivery/index.js';
import { effectiveCuratorId } from '../routing/index.js';
import { supervisorAlertKeyboard, supervisorDigestKeyboard } from './deadlines.keyboards.js';
import { isClockRunning } from './deadlines.ladder.js';
import { deadlineNotificationKinds } from './deadlines.usecases.js';

export interface DeadlineContent {
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
  stillWanted?: (tx: DbOrTx) => Promise<boolean>;
}

/**
 * Whether a reminder still goes to the right person: the request's curator now, or their deputy while they
 * are away (as fireEscalation chose). Read in the sending transaction (see NotificationContent.stillWanted).
 */
async function remindsItsCurator(tx: DbOrTx, requestId: number, recipientStaffId: number | null) {
  const [request] = await tx
    .select({ curatorId: requests.curatorId })
    .from(requests)
    .where(eq(requests.id, requestId));
  if (!request || request.curatorId === null || recipientStaffId === null) return false;
  if (request.curatorId === recipientStaffId) return true;
  return (await effectiveCuratorId(tx, request.curatorId, new Date())) === recipientStaffId;
}

/** `2 ч 5 мин`, `3 д 4 ч`, `40 с`: how late, or how much time is left, in plain words. */
export function formatDuration(t: Translate, ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  if (totalSeconds < 60) return t('dl-seconds', { n: totalSeconds });
  const totalMinutes = Math.floor(totalSeconds / 60);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts = [
    days > 0 ? t('dl-days', { n: days }) : undefined,
    hours > 0 ? t('dl-hours', { n: hours }) : undefined,
    // Minutes are noise once days are counted.
    minutes > 0 && days === 0 ? t('dl-minutes', { n: minutes }) : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}

const escalationPayload = z.object({ escalationId: z.number().int().positive() });
const digestPayload = z.object({ requestIds: z.array(z.number().int().positive()).min(1) });

async function requestFacts(db: Db, requestId: number) {
  const [row] = await db
    .select({
      id: requests.id,
      number: requests.number,
      category: requests.category,
      priority: requests.priority,
      status: requests.status,
      curatorId: requests.curatorId,
      takeDeadlineAt: requests.takeDeadlineAt,
      resolveDeadlineAt: requests.resolveDeadlineAt,
      district: districts.name,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(eq(requests.id, requestId));
  return row;
}

type ContentDeps = { db: Db; i18n: I18n; timeZone: string; now?: Date };

/**
 * Texts of this slice's notifications, built when they are sent (rows keep ids only): the request number,
 * category, district, the deadline and how late it is at that moment. Staff read Russian. Undefined for a
 * kind that is not this slice's.
 */
export async function renderDeadlineNotification(
  deps: ContentDeps,
  notification: Notification,
): Promise<DeadlineContent | undefined> {
  switch (notification.kind) {
    case deadlineNotificationKinds.reminder:
    case deadlineNotificationKinds.alert:
      return renderEscalation(deps, notification);
    case deadlineNotificationKinds.digest:
      return renderDigest(deps, notification);
    case deadlineNotificationKinds.urgent:
      return renderUrgent(deps, notification);
    default:
      return undefined;
  }
}

/** A staff member's name, or «не назначен» when there is none. */
async function staffNameOr(db: Db, t: Translate, id: number | null) {
  if (id === null) return t('dl-curator-none');
  const [row] = await db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, id));
  return row?.fullName ?? t('dl-curator-none');
}

/** What a reminder and an alert both read: the escalation step, the request, and the words they share. */
async function escalationFacts(deps: ContentDeps, t: Translate, notification: Notification) {
  if (notification.requestId === null) return undefined;
  const { escalationId } = escalationPayload.parse(notification.payload);
  const [escalation] = await deps.db
    .select({ clock: escalations.clock, level: escalations.level })
    .from(escalations)
    .where(eq(escalations.id, escalationId));
  const request = await requestFacts(deps.db, notification.requestId);
  if (!escalation || !request) return undefined;
  const deadline = escalation.clock === 'take' ? request.takeDeadlineAt : request.resolveDeadlineAt;
  const common = {
    number: String(request.number),
    clock: escalation.clock,
    category: t('delivery-category', { category: request.category }),
    district: request.district,
    deadline: formatRegionTime(deadline, deps.timeZone),
    regionTime: regionTimePhrase(t, deps.timeZone),
  };
  return { escalation, request, deadline, common };
}

type EscalationFacts = NonNullable<Awaited<ReturnType<typeof escalationFacts>>>;

async function renderEscalation(deps: ContentDeps, notification: Notification) {
  const t = deps.i18n.forLanguage('ru');
  const facts = await escalationFacts(deps, t, notification);
  if (!facts) return undefined;
  return notification.kind === deadlineNotificationKinds.reminder
    ? reminderContent(deps, t, notification, facts)
    : alertContent(deps, t, facts);
}

/** To the curator: how much time is left or how late it is; to a deputy, whose request it is. */
async function reminderContent(
  deps: ContentDeps,
  t: Translate,
  notification: Notification,
  { request, deadline, common }: EscalationFacts,
): Promise<DeadlineContent> {
  // Whoever has the request now, on either clock: taking it makes the taker its curator, and a
  // reassignment moves it on (takenById stays with who took it first).
  const curatorId = request.curatorId;
  const leftMs = deadline.getTime() - (deps.now ?? new Date()).getTime();
  const lines = [
    t('dl-reminder', common),
    leftMs > 0
      ? t('dl-reminder-left', { ...common, left: formatDuration(t, leftMs) })
      : t('dl-reminder-overdue', { ...common, late: formatDuration(t, -leftMs) }),
    ...(curatorId !== null && curatorId !== notification.recipientStaffId
      ? [t('dl-reminder-deputy', { curator: await staffNameOr(deps.db, t, curatorId) })]
      : []),
  ];
  return {
    text: lines.join('\n'),
    replyMarkup: curatorCardKeyboard(t, request.id, cardStageOf(request.status)),
    // Made for the curator who had the request then: withdrawn if it went to someone else meanwhile.
    stillWanted: (tx) => remindsItsCurator(tx, request.id, notification.recipientStaffId),
  };
}

/** To supervisors: how late the request is now; a step still in its clock explains the level. */
async function alertContent(
  deps: ContentDeps,
  t: Translate,
  { escalation, request, deadline, common }: EscalationFacts,
): Promise<DeadlineContent> {
  const stillRunning = isClockRunning(escalation.clock, request.status);
  const lateMs = (deps.now ?? new Date()).getTime() - deadline.getTime();
  const lines = [
    t('dl-alert', {
      ...common,
      level: escalation.level,
      // At the deadline itself «опоздание 0 с» reads like a glitch; under a minute late is «только что».
      justNow: lateMs < 60_000 ? 'yes' : 'no',
      late: formatDuration(t, lateMs),
      curator: await staffNameOr(deps.db, t, request.curatorId),
    }),
    ...(escalation.level === 'regional' ? [t('dl-alert-regional-note')] : []),
    ...(stillRunning ? [] : [t('dl-alert-now-status', { status: request.status })]),
  ];
  return { text: lines.join('\n'), replyMarkup: supervisorAlertKeyboard(t, request.id) };
}

async function renderDigest(deps: ContentDeps, notification: Notification): Promise<DeadlineContent> {
  const t = deps.i18n.forLanguage('ru');
  const { requestIds } = digestPayload.parse(notification.payload);
  const rows = await deps.db
    .select({ number: requests.number })
    .from(requests)
    .where(inArray(requests.id, requestIds))
    .orderBy(requests.number);
  const numbers = rows.map((row) => `№ ${row.number}`).join(', ');
  return {
    text: t('dl-digest', { count: rows.length, numbers }),
    replyMarkup: supervisorDigestKeyboard(t),
  };
}

async function renderUrgent(deps: ContentDeps, notification: Notification) {
  if (notification.requestId === null) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const request = await requestFacts(deps.db, notification.requestId);
  if (!request) return undefined;
  const [recipient] =
    notification.recipientStaffId === null
      ? []
      : await deps.db
          .select({ role: staff.role })
          .from(staff)
          .where(eq(staff.id, notification.recipientStaffId));
  const text = t('dl-urgent', {
    number: String(request.number),
    district: request.district,
    curator: await staffNameOr(deps.db, t, request.curatorId),
    deadline: formatRegionTime(request.takeDeadlineAt, deps.timeZone),
    regionTime: regionTimePhrase(t, deps.timeZone),
  });
  // The on-call curator is told to stand by (taking needs the request handed to them); supervisors
  // can open or reassign it.
  return recipient?.role === 'curator'
    ? { text: `${text}\n${t('dl-urgent-on-call-hint')}` }
    : {
        text: `${text}\n${t('dl-urgent-supervisor-hint')}`,
        replyMarkup: supervisorAlertKeyboard(t, request.id),
      };
}

/** Deadline reminders and alerts, for delivery's registry. */
export const deadlineNotifications: FeatureNotifications = {
  kinds: Object.values(deadlineNotificationKinds),
  render: renderDeadlineNotification,
  // Alerts and urgent requests: people waiting; a digest can wait its turn.
  sendClasses: {
    [deadlineNotificationKinds.urgent]: 'urgent',
    [deadlineNotificationKinds.alert]: 'urgent',
    [deadlineNotificationKinds.digest]: 'bulk',
  },
};
