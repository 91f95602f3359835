import type { Queue } from 'bullmq';
import type { Db } from '../../db/client.js';
import { escalationClocks, escalationLevels } from '../../db/schema/enums.js';
import type { DeadlinePolicies } from '../../deadline-policies.js';
import type { Logger } from '../../logger.js';
import { digestJob, escalationJob, escalationJobId } from '../../queue/jobs.js';
import type { OutboxEvent } from '../../queue/outbox.js';
import { isClockRunning, type LadderStep, nextStep, stepKey } from './deadlines.ladder.js';
import { createDeadlinesRepository, type LadderRequestWithFired } from './deadlines.repository.js';
import { alertUrgentRequest, type DigestDue } from './deadlines.usecases.js';

/** Outbox events after which a request's clocks may run differently (messages change nothing). */
const clockEvents = new Set<OutboxEvent['kind']>([
  'request_created',
  'request_taken',
  'request_resolved',
  'request_rejected',
  'request_cancelled',
  'request_reopened',
  'request_reassigned',
]);

const allSteps = escalationClocks.flatMap((clock) => escalationLevels.map((level) => ({ clock, level })));

/**
 * Keeps Redis holding exactly one timer per open request: the delayed job of its next ladder step, id
 * `esc-<requestId>-<clock>-<level>`, payload ids only. PostgreSQL stays the truth (the deadline columns and
 * the `escalations` rows); everything here can be rebuilt from it (see deadlines.reconciler.ts).
 *
 * Importable on its own (benchmarks): `createDeadlineScheduler({ db, queue, policies }).scheduleMany(rows)`.
 */
export function createDeadlineScheduler(deps: {
  db: Db;
  /** The `deadlines` queue (a producer connection). */
  queue: Queue;
  policies: DeadlinePolicies;
  logger?: Logger;
}) {
  const stepJob = (request: { id: number }, step: LadderStep, now: Date) =>
    escalationJob(
      { requestId: request.id, clock: step.clock, level: step.level },
      step.dueAt.getTime() - now.getTime(),
    );

  async function removeJobs(jobIds: string[]) {
    // A job being processed is locked and stays; its worker re-checks the request anyway.
    await Promise.all(jobIds.map((jobId) => deps.queue.remove(jobId).catch(() => 0)));
  }

  return {
    /**
     * After anything that may change a request's clocks (created, taken, resolved, rejected, cancelled,
     * reopened, a step fired): timers of a clock that stopped, or of a step already fired, are removed;
     * the next step's timer is added. A later step of a running clock is left alone: a worker that has just
     * fired the step before it may have added it (this read can be older than that). Idempotent: adding an
     * existing job id is a no-op.
     */
    async syncRequest(requestId: number, options: { now?: Date; exceptJobId?: string } = {}) {
      const now = options.now ?? new Date();
      const request = await createDeadlinesRepository({ db: deps.db }).ladderRequest(requestId);
      const next = request ? nextStep(request, request.fired, deps.policies) : undefined;
      const obsolete = allSteps.filter(
        (step) => !request || !isClockRunning(step.clock, request.status) || request.fired.has(stepKey(step)),
      );
      await removeJobs(
        obsolete
          .map((step) => escalationJobId({ requestId, ...step }))
          .filter((jobId) => jobId !== options.exceptJobId),
      );
      if (request && next) await deps.queue.add(...spread(stepJob(request, next, now)));
      return next;
    },

    /** Adds the next-step timer of each request in one round trip (addBulk); returns how many were added. */
    async scheduleMany(requests: LadderRequestWithFired[], now = new Date()) {
      const jobs = requests.flatMap((request) => {
        const next = nextStep(request, request.fired, deps.policies);
        return next ? [stepJob(request, next, now)] : [];
      });
      if (jobs.length > 0) await deps.queue.addBulk(jobs);
      return jobs.length;
    },

    async scheduleDigests(digests: DigestDue[], now = new Date()) {
      if (digests.length === 0) return;
      await deps.queue.addBulk(
        digests.map((digest) =>
          digestJob(digest.staffId, digest.firstAlertId, digest.dueAt.getTime() - now.getTime()),
        ),
      );
    },

    /**
     * What an outbox event means for the timers, run by the routing worker after it handled the event:
     * returns notifications to deliver (an urgent request's alerts).
     */
    async onOutboxEvent(event: OutboxEvent): Promise<number[]> {
      if (!clockEvents.has(event.kind) || !('requestId' in event.payload)) return [];
      const requestId = event.payload.requestId;
      const notificationIds =
        event.kind === 'request_created' ? await alertUrgentRequest({ db: deps.db }, requestId) : [];
      await this.syncRequest(requestId);
      return notificationIds;
    },
  };
}

const spread = (job: ReturnType<typeof escalationJob>) => [job.name, job.data, job.opts] as const;

export type DeadlineScheduler = ReturnType<typeof createDeadlineScheduler>;
