import { type Job, type Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import type { DeadlineScheduler } from '../features/deadlines/deadlines.scheduler.js';
import { routeRelayedEdit, routeRelayedMessage } from '../features/relay/relay.routing.js';
import { routeShownCardFiles } from '../features/request-card/request-card.files.js';
import { notificationKinds } from '../features/routing/routing.kinds.js';
import {
  notifyFamily,
  notifyFamilyAssigned,
  notifyFamilyWithoutCurator,
  notifyRequestCurator,
  routeRequest,
} from '../features/routing/routing.usecases.js';
import { routeConsentWithdrawn } from '../features/settings/settings.erasure.js';
import { notifyReassignment } from '../features/supervision/supervision.notices.js';
import type { Logger } from '../logger.js';
import { deliveryJob, routingJobSchema } from '../queue/jobs.js';
import { queueNames } from '../queue/names.js';
import { withDatabaseWait } from './wait-for-database.js';

const familyNoticeKinds = {
  request_resolved: notificationKinds.familyRequestResolved,
  request_rejected: notificationKinds.familyRequestRejected,
} as const;

/** Routes one outbox event and queues the notifications it produced. Idempotent: see routeRequest. */
export function createRoutingProcessor(deps: {
  db: Db;
  deliveryQueue: Queue;
  logger: Logger;
  /** Escalation timers follow the request: set at creation, moved on take, removed when it closes. */
  deadlines?: DeadlineScheduler;
}) {
  return async (job: Job) => {
    const event = routingJobSchema.parse(job.data);
    let notificationIds: number[];
    if (event.kind === 'request_created') {
      const outcome = await routeRequest({ db: deps.db }, event.payload.requestId);
      notificationIds = outcome.notificationIds;
      deps.logger.info(
        {
          requestId: event.payload.requestId,
          outboxId: event.outboxId,
          routed: outcome.routed,
          ...(outcome.routed
            ? outcome.choice.kind === 'curator'
              ? { staffId: outcome.choice.staffId, via: outcome.choice.via }
              : { supervisorIds: outcome.choice.staffIds }
            : { reason: outcome.reason }),
        },
        outcome.routed ? 'request routed' : 'request not routed',
      );
    } else if (event.kind === 'family_without_curator') {
      notificationIds = await notifyFamilyWithoutCurator({ db: deps.db }, event.payload.familyId);
    } else if (event.kind === 'family_assigned') {
      notificationIds = await notifyFamilyAssigned({ db: deps.db }, event.outboxId, event.payload);
    } else if (event.kind === 'request_taken') {
      notificationIds = await notifyFamily({ db: deps.db }, event.outboxId, {
        kind: notificationKinds.familyRequestTaken,
        requestId: event.payload.requestId,
        payload: { staffId: event.payload.staffId },
      });
    } else if (event.kind === 'request_resolved' || event.kind === 'request_rejected') {
      notificationIds = await notifyFamily({ db: deps.db }, event.outboxId, {
        kind: familyNoticeKinds[event.kind],
        requestId: event.payload.requestId,
        payload: { staffId: event.payload.staffId, messageId: event.payload.messageId },
      });
    } else if (event.kind === 'request_cancelled' || event.kind === 'request_reopened') {
      notificationIds = await notifyRequestCurator({ db: deps.db }, event.outboxId, {
        kind:
          event.kind === 'request_cancelled'
            ? notificationKinds.curatorRequestCancelled
            : notificationKinds.curatorRequestReopened,
        requestId: event.payload.requestId,
      });
    } else if (event.kind === 'message_relayed') {
      notificationIds = await routeRelayedMessage({ db: deps.db }, event.payload);
    } else if (event.kind === 'message_edited') {
      notificationIds = await routeRelayedEdit({ db: deps.db }, event.outboxId, event.payload.messageId);
    } else if (event.kind === 'card_files') {
      notificationIds = await routeShownCardFiles(deps.db, event.payload);
    } else if (event.kind === 'request_reassigned' || event.kind === 'family_reassigned') {
      notificationIds = await notifyReassignment({ db: deps.db }, event);
    } else if (event.kind === 'consent_withdrawn') {
      notificationIds = await routeConsentWithdrawn({ db: deps.db }, event);
      deps.logger.info(
        {
          familyId: event.payload.familyId,
          familyErased: event.payload.familyErased,
          notifications: notificationIds.length,
        },
        'withdrawn consent taken to the staff chats',
      );
    } else {
      // The schema knows every kind; one this switch does not is a programming error, never another branch.
      const unknown: never = event;
      throw new UnrecoverableError(`no handler for outbox kind ${(unknown as { kind: string }).kind}`);
    }
    // If this process dies before the add, the notifications are pending in PostgreSQL: the reconciler
    // queues them.
    if (deps.deadlines)
      notificationIds = [...notificationIds, ...(await deps.deadlines.onOutboxEvent(event))];
    if (notificationIds.length > 0) await deps.deliveryQueue.addBulk(notificationIds.map(deliveryJob));
    return { notifications: notificationIds.length };
  };
}

export function startRoutingWorker(deps: {
  db: Db;
  deliveryQueue: Queue;
  logger: Logger;
  deadlines?: DeadlineScheduler;
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
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'routing worker error'));
  worker.on('failed', (job, error) =>
    deps.logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'routing job failed'),
  );
  return worker;
}
