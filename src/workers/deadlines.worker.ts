import { DelayedError, type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import type { DeadlinePolicies } from '../deadline-policies.js';
import { type DeadlineScheduler, fireEscalation, flushDigest } from '../features/deadlines/index.js';
import type { DeliveryLanes } from '../features/delivery/index.js';
import { fireConsultationReminder } from '../features/psychologists/index.js';
import type { Logger } from '../logger.js';
import { WORKER_DRAIN_DELAY_S } from '../queue/connections.js';
import { consultationReminderJobSchema, digestJobSchema, escalationJobSchema } from '../queue/jobs.js';
import { queueNames } from '../queue/names.js';
import { withDatabaseWait } from './wait-for-database.js';

/**
 * `escalate`: fires one ladder step (at most once ever, re-checked in PostgreSQL), queues its notifications
 * and the digest it started, then schedules the request's next step. `digest`: sends one supervisor's
 * buffered alerts as one message. Both are idempotent: a job run twice changes nothing the second time.
 */
export function createDeadlinesProcessor(deps: {
  db: Db;
  policies: DeadlinePolicies;
  lanes: DeliveryLanes;
  scheduler: DeadlineScheduler;
  logger: Logger;
}) {
  return async (job: Job, token?: string) => {
    if (job.name === 'digest') {
      const { staffId } = digestJobSchema.parse(job.data);
      const notificationIds = await flushDigest({ db: deps.db }, staffId);
      await deps.lanes.add(notificationIds);
      deps.logger.info({ staffId, notificationIds }, 'escalation digest');
      return { notifications: notificationIds.length };
    }
    if (job.name === 'consultation-reminder') return remind(deps, job, token);
    const step = escalationJobSchema.parse(job.data);
    const result = await fireEscalation({ db: deps.db, policies: deps.policies }, step);
    if (result.outcome === 'not_due') {
      // The deadline moved later (a reopened request): wait for it under the same job id.
      await job.moveToDelayed(result.dueAt.getTime(), token);
      throw new DelayedError();
    }
    // If this process dies before these adds, the notifications are pending in PostgreSQL (the delivery
    // reconciler queues them) and the digest is owed in supervisor_alerts (the deadline reconciler).
    await deps.lanes.add(result.notificationIds);
    await deps.scheduler.scheduleDigests(result.digests);
    if (result.outcome !== 'gone') await deps.scheduler.syncRequest(step.requestId, { exceptJobId: job.id });
    deps.logger.info(
      { ...step, outcome: result.outcome, notifications: result.notificationIds.length },
      result.outcome === 'fired' ? 'escalation fired' : 'escalation not fired',
    );
    return { outcome: result.outcome };
  };
}

/** A consultation's reminder (features/psychologists): sent once, when due; none for a cancelled booking. */
async function remind(deps: { db: Db; lanes: DeliveryLanes; logger: Logger }, job: Job, token?: string) {
  const reminder = consultationReminderJobSchema.parse(job.data);
  const result = await fireConsultationReminder({ db: deps.db }, reminder);
  if (result.outcome === 'not_due') {
    await job.moveToDelayed(result.dueAt.getTime(), token);
    throw new DelayedError();
  }
  if (result.outcome === 'sent') await deps.lanes.add(result.notificationIds);
  deps.logger.info({ ...reminder, outcome: result.outcome }, 'consultation reminder');
  return { outcome: result.outcome };
}

export function startDeadlinesWorker(deps: {
  db: Db;
  policies: DeadlinePolicies;
  lanes: DeliveryLanes;
  scheduler: DeadlineScheduler;
  logger: Logger;
  connection: Redis;
  /** Jobs that meet a PostgreSQL outage wait for it to answer (wait-for-database.ts). */
  database?: DatabaseWatch;
  prefix: string;
}) {
  const processor = withDatabaseWait(createDeadlinesProcessor(deps), deps.database);
  const worker = new Worker(queueNames.deadlines, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 16,
    drainDelay: WORKER_DRAIN_DELAY_S,
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'deadlines worker error'));
  worker.on('failed', (job, error) =>
    deps.logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'deadlines job failed'),
  );
  return worker;
}
