import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import { pendingRecipients } from '../features/announcements/index.js';
import { notifyCheckInCall } from '../features/check-ins/index.js';
import type { DeadlineScheduler } from '../features/deadlines/index.js';
import { type DeliveryLanes, markOutboxRouted } from '../features/delivery/index.js';
import {
  type ConsultationTimers,
  offerConsultation,
  offerWaitlisted,
  routeConsultationChange,
} from '../features/psychologists/index.js';
import { routeRelayedEdit, routeRelayedMessage } from '../features/relay/index.js';
import { routeShownCardFiles } from '../features/request-card/index.js';
import {
  notificationKinds,
  notifyFamily,
  notifyFamilyAssigned,
  notifyFamilyWithoutCurator,
  notifyRequestCurator,
  routeRequest,
} from '../features/routing/index.js';
import { routeConsentWithdrawn } from '../features/settings/index.js';
import { notifyReassignment } from '../features/supervision/index.js';
import type { Logger } from '../logger.js';
import { WORKER_DRAIN_DELAY_S } from '../queue/connections.js';
import { type RoutingJob, routingJobSchema } from '../queue/jobs.js';
import { queueNames } from '../queue/names.js';
import { withDatabaseWait } from './wait-for-database.js';

const familyNoticeKinds = {
  request_resolved: notificationKinds.familyRequestResolved,
  request_rejected: notificationKinds.familyRequestRejected,
} as const;

/** A new request to its curator (or the supervisors), logged with the choice, never with personal data. */
async function routeCreated(deps: { db: Db; logger: Logger }, outboxId: number, requestId: number) {
  const outcome = await routeRequest({ db: deps.db }, requestId);
  deps.logger.info(
    {
      requestId,
      outboxId,
      routed: outcome.routed,
      ...(outcome.routed
        ? outcome.choice.kind === 'curator'
          ? { staffId: outcome.choice.staffId, via: outcome.choice.via }
          : { supervisorIds: outcome.choice.staffIds }
        : { reason: outcome.reason }),
    },
    outcome.routed ? 'request routed' : 'request not routed',
  );
  return outcome.notificationIds;
}

const consultationDeps = (deps: { db: Db; timeZone: string }) => ({
  db: deps.db,
  timeZone: deps.timeZone,
});

type RoutingDeps = {
  db: Db;
  lanes: DeliveryLanes;
  logger: Logger;
  /** Escalation timers follow the request: set at creation, moved on take, removed when it closes. */
  deadlines?: DeadlineScheduler;
  /** Consultation reminders follow their booking; the region's zone tells «today» for the offer. */
  consultations?: ConsultationTimers;
  timeZone: string;
};

const requestEventKinds = [
  'request_created',
  'family_without_curator',
  'family_assigned',
  'request_taken',
  'request_resolved',
  'request_rejected',
  'request_cancelled',
  'request_reopened',
  'message_relayed',
  'message_edited',
  'card_files',
  'request_reassigned',
  'family_reassigned',
] as const;
type RequestEvent = Extract<RoutingJob, { kind: (typeof requestEventKinds)[number] }>;
const isRequestEvent = (event: RoutingJob): event is RequestEvent =>
  (requestEventKinds as readonly string[]).includes(event.kind);

/** A request's or a family's event: who must be told, as routing, relay and supervision decide. */
async function routeRequestEvent(deps: RoutingDeps, event: RequestEvent): Promise<number[]> {
  if (event.kind === 'request_created') {
    return routeCreated(deps, event.outboxId, event.payload.requestId);
  }
  if (event.kind === 'family_without_curator') {
    return notifyFamilyWithoutCurator({ db: deps.db }, event.payload.familyId);
  }
  if (event.kind === 'family_assigned') {
    return notifyFamilyAssigned({ db: deps.db }, event.outboxId, event.payload);
  }
  if (event.kind === 'request_taken') {
    return notifyFamily({ db: deps.db }, event.outboxId, {
      kind: notificationKinds.familyRequestTaken,
      requestId: event.payload.requestId,
      payload: { staffId: event.payload.staffId },
    });
  }
  if (event.kind === 'request_resolved' || event.kind === 'request_rejected') {
    return notifyFamily({ db: deps.db }, event.outboxId, {
      kind: familyNoticeKinds[event.kind],
      requestId: event.payload.requestId,
      payload: { staffId: event.payload.staffId, messageId: event.payload.messageId },
    });
  }
  if (event.kind === 'request_cancelled' || event.kind === 'request_reopened') {
    return notifyRequestCurator({ db: deps.db }, event.outboxId, {
      kind:
        event.kind === 'request_cancelled'
          ? notificationKinds.curatorRequestCancelled
          : notificationKinds.curatorRequestReopened,
      requestId: event.payload.requestId,
    });
  }
  if (event.kind === 'message_relayed') {
    return routeRelayedMessage({ db: deps.db }, event.payload);
  }
  if (event.kind === 'message_edited') {
    return routeRelayedEdit({ db: deps.db }, event.outboxId, event.payload.messageId);
  }
  if (event.kind === 'card_files') {
    return routeShownCardFiles(deps.db, event.payload);
  }
  // What is left: request_reassigned, family_reassigned.
  return notifyReassignment({ db: deps.db }, event);
}

/** The other features' events: check-ins, consultations, announcements, withdrawn consent. */
async function routeOtherEvent(
  deps: RoutingDeps,
  event: Exclude<RoutingJob, RequestEvent>,
): Promise<number[]> {
  if (event.kind === 'check_in_call') return notifyCheckInCall({ db: deps.db }, event.payload.checkInId);
  if (event.kind === 'psychologist_schedule_changed') {
    return offerWaitlisted(consultationDeps(deps), event.outboxId, event.payload.staffId);
  }
  if (event.kind === 'consultation_changed') {
    const ids = await routeConsultationChange(consultationDeps(deps), event.outboxId, event.payload);
    await deps.consultations?.sync(event.payload.consultationId);
    return ids;
  }
  // Its recipients were written with it; they only need their lanes (again, after a retry: a no-op).
  if (event.kind === 'announcement_created') return pendingRecipients(deps.db, event.payload.announcementId);
  // The family messages re-addressed and the cards taken back when a staff member was deactivated were
  // written with it (`takenBackIds` absent from an event written before it existed).
  if (event.kind === 'staff_deactivated') {
    return [...event.payload.readdressedIds, ...(event.payload.takenBackIds ?? [])];
  }
  if (event.kind === 'consent_withdrawn') {
    const ids = await routeConsentWithdrawn({ db: deps.db }, event);
    deps.logger.info(
      {
        familyId: event.payload.familyId,
        familyErased: event.payload.familyErased,
        notifications: ids.length,
      },
      'withdrawn consent taken to the staff chats',
    );
    return ids;
  }
  // The schema knows every kind; one this function does not is a programming error, never another branch.
  const unknown: never = event;
  throw new UnrecoverableError(`no handler for outbox kind ${(unknown as { kind: string }).kind}`);
}

/** Routes one outbox event and queues the notifications it produced. Idempotent: see routeRequest. */
export function createRoutingProcessor(deps: RoutingDeps) {
  return async (job: Job) => {
    const event = routingJobSchema.parse(job.data);
    const routed = isRequestEvent(event)
      ? await routeRequestEvent(deps, event)
      : await routeOtherEvent(deps, event);
    // Into their lanes at once: a new request's card does not wait for its timers or a psychologist offer.
    // If this process dies before an add, the notifications are pending in PostgreSQL: the reconciler
    // queues them.
    await deps.lanes.add(routed);
    let followUps = deps.deadlines ? await deps.deadlines.onOutboxEvent(event) : [];
    // A psychologist request: the family is offered slots (after its curator's card, the crisis path first).
    if (event.kind === 'request_created') {
      const offered = await offerConsultation(
        consultationDeps(deps),
        event.outboxId,
        event.payload.requestId,
      );
      followUps = [...followUps, ...offered];
    }
    await deps.lanes.add(followUps);
    // Done: the reconciler no longer queues it again (it would if the job were lost before this).
    await markOutboxRouted(deps.db, event.outboxId);
    return { notifications: routed.length + followUps.length };
  };
}

export function startRoutingWorker(deps: {
  db: Db;
  lanes: DeliveryLanes;
  logger: Logger;
  deadlines?: DeadlineScheduler;
  consultations?: ConsultationTimers;
  timeZone: string;
  connection: Redis;
  /** Jobs that meet a PostgreSQL outage wait for it to answer (wait-for-database.ts). */
  database?: DatabaseWatch;
  prefix: string;
}) {
  const processor = withDatabaseWait(createRoutingProcessor(deps), deps.database);
  const worker = new Worker(queueNames.routing, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 8,
    drainDelay: WORKER_DRAIN_DELAY_S,
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'routing worker error'));
  worker.on('failed', (job, error) =>
    deps.logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'routing job failed'),
  );
  return worker;
}
