import type { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type DatabaseWatch, isDatabaseOutage } from '../../db/database-outage.js';
import type { Logger } from '../../logger.js';
import { routingJob, routingJobId } from '../../queue/jobs.js';
import { outboxEventSchema } from '../../queue/outbox.js';
import type { DeliveryLanes } from './lanes.js';
import { createNotificationsRepository } from './notifications.repository.js';
import type { OutboxRelay } from './outbox-relay.js';

/** Chats whose pending notifications are read in one query when their lanes are rebuilt. */
const CHATS_PER_PAGE = 100;

/** Job states from which a job still runs by itself; any other job under a wanted id is a dead leftover. */
const liveStates = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Removes jobs that exist under these ids but will never run, so the re-add that follows creates them
 * anew. Adding an existing job id is a no-op, and Redis losing keys other than by an atomic FLUSHALL (a
 * key-by-key wipe, eviction, a partial restore) leaves such jobs: a job hash re-created while its list
 * was being deleted, in no list at all ('unknown'), or a bare hash a worker re-created by taking a
 * wiped job's id from the wait list, which then failed with no data and stays in `failed`. Each would
 * hold its notification or request `pending` for ever (seen in the Redis-wipe e2e test under load).
 */
export async function dropDeadJobs(
  queue: Queue,
  jobIds: string[],
  logger: Logger,
): Promise<{ dead: string[]; missing: string[] }> {
  const states = await Promise.all(jobIds.map((id) => queue.getJobState(id)));
  const notLive = jobIds.filter((_, index) => !liveStates.has(states[index]!));
  // getJobState says 'unknown' both for a missing job and for a bare hash in no list, and remove() answers 1
  // for either: only a job whose hash is there is a dead leftover; a missing one is simply re-added.
  const present = await Promise.all(
    notLive.map((id) =>
      queue.getJob(id).then(
        (job) => job !== undefined,
        () => true,
      ),
    ),
  );
  const dead = notLive.filter((_, index) => present[index]);
  await Promise.all(dead.map((id) => queue.remove(id).catch(() => 0)));
  if (dead.length > 0)
    logger.warn({ queue: queue.name, count: dead.length }, 'removed dead jobs before re-adding them');
  return { dead, missing: notLive.filter((_, index) => !present[index]) };
}

interface ReconcilerDeps {
  db: Db;
  relay: OutboxRelay;
  routingQueue: Queue;
  lanes: DeliveryLanes;
  logger: Logger;
  intervalMs?: number;
  /** Told when a pass fails because PostgreSQL is away, so the process watches for its return. */
  database?: DatabaseWatch;
}

/** Dispatched events looked at in one pass (the oldest first; the next pass takes the rest). */
const UNROUTED_PER_PASS = 1000;

/**
 * Times an unrouted event's job is made again after it was gone (its routing failed every attempt, or Redis
 * lost it): an event that fails this often is a defect to fix, logged as an error, and no longer taken, so
 * it cannot hold a pass's places for ever.
 */
export const MAX_ROUTING_REQUEUES = 20;

/**
 * Outbox events dispatched whose routing has not happened (its job was lost in a Redis wipe, or gave up),
 * queued again: every event not marked routed, and — as before that mark existed — a new request whose card
 * is not made and a family without a curator not yet reported. Routing is idempotent (dedupe keys), so an
 * event routed but not yet marked (a process killed in between) is routed again harmlessly, and an event
 * whose job is still waiting keeps it (same job id).
 */
async function requeueUnfinishedOutbox(deps: ReconcilerDeps): Promise<number> {
  const rows = await deps.db.execute<{ id: number; kind: string; payload: unknown }>(sql`
    (select o.id, o.kind, o.payload from outbox o
     where o.status = 'dispatched' and o.routed_at is null and o.attempts <= ${MAX_ROUTING_REQUEUES}
     order by o.id limit ${UNROUTED_PER_PASS})
    union
    select o.id, o.kind, o.payload from outbox o
    where o.status = 'dispatched' and (
      (o.kind = 'request_created' and exists (
        select 1 from requests r where r.id = (o.payload->>'requestId')::int and r.status = 'new'))
      or (o.kind = 'family_without_curator' and not exists (
        select 1 from notifications n
        where n.dedupe_key like 'family:' || (o.payload->>'familyId') || ':without-curator:%'))
    )
    order by id`);
  const jobs = rows.flatMap((row) => {
    const event = outboxEventSchema.safeParse({ kind: row.kind, payload: row.payload });
    return event.success ? [routingJob(Number(row.id), event.data)] : [];
  });
  if (jobs.length > 0) {
    const { dead, missing } = await dropDeadJobs(
      deps.routingQueue,
      jobs.map((job) => routingJobId(job.data.outboxId)),
      deps.logger,
    );
    await deps.routingQueue.addBulk(jobs);
    const gone = new Set([...dead, ...missing]);
    await countRequeues(
      deps,
      jobs.filter((job) => gone.has(routingJobId(job.data.outboxId))).map((job) => job.data.outboxId),
    );
  }
  return jobs.length;
}

/** Counts a new job for each of these events (outbox.attempts); those that reach the bound are logged. */
async function countRequeues(deps: ReconcilerDeps, outboxIds: number[]): Promise<void> {
  if (outboxIds.length === 0) return;
  const counted = await deps.db.execute<{ id: number; kind: string; attempts: number }>(sql`
    update outbox set attempts = attempts + 1
    where id in (${sql.join(
      outboxIds.map((id) => sql`${id}`),
      sql`, `,
    )}) and routed_at is null
    returning id, kind, attempts`);
  for (const row of counted) {
    if (row.attempts > MAX_ROUTING_REQUEUES)
      deps.logger.error(
        { outboxId: Number(row.id), kind: row.kind, attempts: row.attempts },
        'outbox event could not be routed: no longer queued again',
      );
  }
}

/**
 * Every pending notification into its chat's lane, for the chats whose lane Redis lost in whole or in part
 * (after a wipe: all of them); a chat whose lane holds all its pending notifications costs one look.
 */
async function requeuePendingNotifications(deps: ReconcilerDeps): Promise<number> {
  const repository = createNotificationsRepository({ db: deps.db });
  const incomplete = await deps.lanes.incomplete(await repository.pendingPerChat());
  let total = 0;
  for (let from = 0; from < incomplete.length; from += CHATS_PER_PAGE) {
    const rows = await repository.pendingInChats(incomplete.slice(from, from + CHATS_PER_PAGE));
    await deps.lanes.addRows(rows);
    total += rows.length;
  }
  return total;
}

/**
 * PostgreSQL is the truth, Redis may be wiped or lose jobs with a crash. At start-up and then periodically
 * this re-creates every job that should exist: pending outbox rows (through the relay), outbox events whose
 * effect is not in the database yet, and every pending notification in its chat's delivery lane. Job ids
 * make re-adding an existing job a no-op, as is re-adding a notification to its lane, and a notification
 * that is `sent` is never picked, so nothing is sent twice because of it.
 */
export function createReconciler(deps: ReconcilerDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function reconcileOnce(): Promise<{ outbox: number; notifications: number }> {
    await deps.relay.wake();
    const outbox = await requeueUnfinishedOutbox(deps);
    const notifications = await requeuePendingNotifications(deps);
    if (outbox + notifications > 0)
      deps.logger.info({ outbox, notifications }, 'reconciled jobs from PostgreSQL');
    return { outbox, notifications };
  }

  function tick() {
    running ??= reconcileOnce()
      .then(() => undefined)
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'reconciliation failed');
        if (isDatabaseOutage(error)) deps.database?.markDown();
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    reconcileOnce,
    /**
     * A pass now (or the one in progress), as when PostgreSQL or Redis answers again after an outage: what
     * piled up meanwhile is queued at once rather than at the next periodic pass.
     */
    kick: () => (running ? running.then(() => tick()) : tick()),
    async start() {
      await tick();
      timer = setInterval(() => void tick(), deps.intervalMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
