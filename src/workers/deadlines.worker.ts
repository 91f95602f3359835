import { DelayedError, type Job, type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import type { DeadlinePolicies } from '../deadline-policies.js';
import type { DeadlineScheduler } from '../features/deadlines/deadlines.scheduler.js';
import { fireEscalation, flushDigest } from '../features/deadlines/deadlines.usecases.js';
import type { Logger } from '../logger.js';
import { deliveryJob, digestJobSchema, escalationJobSchema } from '../queue/jobs.js';
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
  deliveryQueue: Queue;
  scheduler: DeadlineScheduler;
  logger: Logger;
}) {
  return async (job: Job, token?: string) => {
    if (job.name === 'digest') {
      const { staffId } = digestJobSchema.parse(job.data);
      const notificationIds = await flushDigest({ db: deps.db }, staffId);
      if (notificationIds.length > 0) await deps.deliveryQueue.addBulk(notificationIds.map(deliveryJob));
      deps.logger.info({ staffId, notificationIds }, 'escalation digest');
      return { notifications: notificationIds.length };
    }
    const step = escalationJobSchema.parse(job.data);
    const result = await fireEscalation({ db: deps.db, policies: deps.policies }, step);
    if (result.outcome === 'not_due') {
      // The deadline moved later (a reopened request): wait for it under the same job id.
      await job.moveToDelayed(result.dueAt.getTime(), token);
      throw new DelayedError();
    }
    // If this process dies before these adds, the notifications are pending in PostgreSQL (the delivery
    // reconciler queues them) and the digest is owed in supervisor_alerts (the deadline reconciler).
    if (result.notificationIds.length > 0) {
      await deps.deliveryQueue.addBulk(result.notificationIds.map(deliveryJob));
    }
    await deps.scheduler.scheduleDigests(result.digests);
    if (result.outcome !== 'gone') await deps.scheduler.syncRequest(step.requestId, { exceptJobId: job.id });
    deps.logger.info(
      { ...step, outcome: result.outcome, notifications: result.notificationIds.length },
      result.outcome === 'fired' ? 'escalation fired' : 'escalation not fired',
    );
    return { outcome: result.outcome };
  };
}

export function startDeadlinesWorker(deps: {
  db: Db;
  policies: DeadlinePolicies;
  deliveryQueue: Queue;
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
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'deadlines worker error'));
  worker.on('failed', (job, error) =>
    deps.logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'deadlines job failed'),
  );
  return worker;
}
