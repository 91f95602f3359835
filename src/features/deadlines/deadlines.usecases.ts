import type { Db, DbOrTx } from '../../db/client.js';
import type { EscalationClock, EscalationLevel } from '../../db/schema/enums.js';
import type { DeadlinePolicies } from '../../deadline-policies.js';
import {
  effectiveCurator,
  notifyStaff,
  onCallCurator,
  pendingNotificationsOfRequest,
  supervisorsFor,
} from '../routing/index.js';
import { findStep, stepKey } from './deadlines.ladder.js';
import { createDeadlinesRepository } from './deadlines.repository.js';

/** Notification kinds of this slice; their texts are in deadlines.content.ts. */
export const deadlineNotificationKinds = {
  /** To the request's curator (or their deputy while they are away): half the window has passed. */
  reminder: 'escalation_reminder',
  /** To a supervisor: a deadline passed (district level) or twice the window did (regional level). */
  alert: 'escalation_alert',
  /** To a supervisor: more than DIGEST_LIMIT alerts within DIGEST_WINDOW_MS, merged into one message. */
  digest: 'escalation_digest',
  /** To the district supervisors and the on-call curator: an urgent psychologist request was created. */
  urgent: 'urgent_request_alert',
} as const;

/** A supervisor gets at most this many separate alerts a minute; the rest wait for one digest. */
export const DIGEST_LIMIT = 5;
export const DIGEST_WINDOW_MS = 60_000;

/** A job may run a few milliseconds before its time (clocks of Redis and this host differ slightly). */
const EARLY_TOLERANCE_MS = 500;

export interface DeadlinesDeps {
  db: Db;
  policies: DeadlinePolicies;
  now?: Date;
}

/** A digest that must be flushed later: its job is added after the transaction commits. */
export interface DigestDue {
  staffId: number;
  firstAlertId: number;
  dueAt: Date;
}

export type EscalationOutcome =
  | { outcome: 'fired'; escalationId: number; notificationIds: number[]; digests: DigestDue[] }
  | { outcome: 'gone' | 'clock_stopped' | 'already_fired'; notificationIds: []; digests: [] }
  | { outcome: 'not_due'; dueAt: Date; notificationIds: []; digests: [] };

/**
 * Records alerts to supervisors and decides, exactly, which go out on their own: under a per-supervisor
 * lock, the alerts of the last minute are counted in PostgreSQL; up to DIGEST_LIMIT get a notification
 * each, the rest are buffered and one digest job (added by the caller after commit) sends them together
 * at the end of the window. Any process, before or after a restart, counts the same rows.
 */
export async function recordSupervisorAlerts(
  tx: DbOrTx,
  input: { requestId: number; escalationId: number; staffIds: number[]; now: Date },
): Promise<{ notificationIds: number[]; digests: DigestDue[] }> {
  const repository = createDeadlinesRepository({ db: tx });
  const notificationIds: number[] = [];
  const digests: DigestDue[] = [];
  // Always in id order, so two transactions alerting the same supervisors cannot deadlock.
  for (const staffId of [...new Set(input.staffIds)].sort((a, b) => a - b)) {
    await repository.lockSupervisorAlerts(staffId);
    const recent = await repository.alertsSince(staffId, new Date(input.now.getTime() - DIGEST_WINDOW_MS));
    if (recent < DIGEST_LIMIT) {
      const [notificationId] = await notifyStaff(tx, [
        {
          staffId,
          kind: deadlineNotificationKinds.alert,
          dedupeKey: `escalation:${input.escalationId}:staff:${staffId}`,
          requestId: input.requestId,
          payload: { escalationId: input.escalationId },
        },
      ]);
      if (notificationId === undefined) continue;
      await repository.insertAlert({
        staffId,
        requestId: input.requestId,
        escalationId: input.escalationId,
        notificationId,
        createdAt: input.now,
      });
      notificationIds.push(notificationId);
    } else {
      const waiting = await repository.bufferedAlerts(staffId);
      const alertId = await repository.insertAlert({
        staffId,
        requestId: input.requestId,
        escalationId: input.escalationId,
        createdAt: input.now,
      });
      // The first alert of a buffer sets when the digest goes; later ones join it.
      if (alertId !== undefined && waiting.length === 0) {
        digests.push({
          staffId,
          firstAlertId: alertId,
          dueAt: new Date(input.now.getTime() + DIGEST_WINDOW_MS),
        });
      }
    }
  }
  return { notificationIds, digests };
}

/**
 * Fires one step of the ladder, at most once ever: the request row is locked and re-checked (its clock
 * must still run and the step be due), and the `escalations` row insert (ON CONFLICT DO NOTHING) is the
 * gate, in the same transaction as the `escalated` history event and the notifications.
 */
export async function fireEscalation(
  deps: DeadlinesDeps,
  step: { requestId: number; clock: EscalationClock; level: EscalationLevel },
): Promise<EscalationOutcome> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createDeadlinesRepository({ db: tx });
    const request = await repository.lockRequest(step.requestId);
    if (!request) return { outcome: 'gone', notificationIds: [], digests: [] } as const;
    const due = findStep(request, stepKey(step), deps.policies);
    if (!due) return { outcome: 'clock_stopped', notificationIds: [], digests: [] } as const;
    if (due.dueAt.getTime() - EARLY_TOLERANCE_MS > now.getTime()) {
      return { outcome: 'not_due', dueAt: due.dueAt, notificationIds: [], digests: [] } as const;
    }
    const escalationId = await repository.insertEscalation(request.id, step.clock, step.level, now);
    if (escalationId === undefined) {
      return { outcome: 'already_fired', notificationIds: [], digests: [] } as const;
    }

    let notificationIds: number[] = [];
    let digests: DigestDue[] = [];
    let recipients: number[] = [];
    if (step.level === 'reminder') {
      // The request's curator now on either clock: the taker became its curator, and a reassignment since
      // moved it on — a reminder never goes to the curator it was taken from. Nor to one who left the service
      // (deactivated, nobody could take the request over): it is the supervisors', whom the next step alerts.
      const curator =
        request.curatorId === null ? undefined : await effectiveCurator(tx, request.curatorId, now);
      if (curator?.active) {
        recipients = [curator.id];
        notificationIds = await notifyStaff(
          tx,
          recipients.map((staffId) => ({
            staffId,
            kind: deadlineNotificationKinds.reminder,
            dedupeKey: `escalation:${escalationId}:staff:${staffId}`,
            requestId: request.id,
            payload: { escalationId },
          })),
        );
      }
    } else {
      recipients =
        step.level === 'district'
          ? await supervisorsFor(tx, request.districtId, now)
          : await repository.regionalSupervisors(now);
      ({ notificationIds, digests } = await recordSupervisorAlerts(tx, {
        requestId: request.id,
        escalationId,
        staffIds: recipients,
        now,
      }));
    }
    await repository.addEscalatedEvent(
      request.id,
      {
        clock: step.clock,
        level: step.level,
        escalationId,
        staffIds: recipients,
        lateMs: Math.max(0, now.getTime() - due.dueAt.getTime()),
      },
      now,
    );
    return { outcome: 'fired', escalationId, notificationIds, digests } as const;
  });
}

/**
 * Sends one supervisor's buffered alerts as one digest notification; nothing when none are waiting, or when
 * the supervisor left the service meanwhile (their buffered alerts are dropped: no digest is made for them).
 */
export async function flushDigest(deps: { db: Db; now?: Date }, staffId: number): Promise<number[]> {
  return deps.db.transaction(async (tx) => {
    const repository = createDeadlinesRepository({ db: tx });
    await repository.lockSupervisorAlerts(staffId);
    if (await repository.dropAlertsOfInactive(staffId)) return [];
    const waiting = await repository.bufferedAlerts(staffId);
    if (waiting.length === 0) return [];
    const [notificationId] = await notifyStaff(tx, [
      {
        staffId,
        kind: deadlineNotificationKinds.digest,
        dedupeKey: `digest:${staffId}:${waiting[0]!.id}`,
        payload: { requestIds: [...new Set(waiting.map((alert) => alert.requestId))] },
      },
    ]);
    if (notificationId === undefined) return [];
    await repository.attachAlerts(
      waiting.map((alert) => alert.id),
      notificationId,
    );
    return [notificationId];
  });
}

/**
 * An urgent psychologist request (the crisis path): the district supervisors and the region's on-call
 * curator are alerted at once, besides the card routing sends to the curator. Staff who already got the
 * card are not told twice; a job run twice alerts once (the dedupe keys and the check under the row lock).
 */
export async function alertUrgentRequest(deps: { db: Db; now?: Date }, requestId: number): Promise<number[]> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createDeadlinesRepository({ db: tx });
    const request = await repository.lockRequest(requestId);
    if (request?.priority !== 'urgent') return [];
    if (request.status !== 'new' && request.status !== 'assigned') return [];
    if (await repository.urgentAlertsExist(requestId)) return pendingNotificationsOfRequest(tx, requestId);
    const cardHolders = await repository.cardHolders(requestId);
    const supervisors = await supervisorsFor(tx, request.districtId, now);
    const onCall = await onCallCurator(tx, now);
    const recipients = [...new Set([...supervisors, ...(onCall === undefined ? [] : [onCall])])].filter(
      (staffId) => !cardHolders.has(staffId) && staffId !== request.curatorId,
    );
    if (recipients.length === 0) return [];
    await repository.addEscalatedEvent(requestId, { urgent: true, staffIds: recipients }, now);
    return notifyStaff(
      tx,
      recipients.map((staffId) => ({
        staffId,
        kind: deadlineNotificationKinds.urgent,
        dedupeKey: `request:${requestId}:urgent:staff:${staffId}`,
        requestId,
      })),
    );
  });
}
