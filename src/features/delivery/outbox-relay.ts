import type { Queue } from 'bullmq';
import { asc, sql as drizzleSql, eq, inArray } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { Db, DbOrTx } from '../../db/client.js';
import { type DatabaseWatch, isDatabaseOutage } from '../../db/database-outage.js';
import { outbox } from '../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import type { DeliveryMetrics } from '../../metrics/delivery.metrics.js';
import { routingJob } from '../../queue/jobs.js';
import { OUTBOX_CHANNEL, type OutboxEvent, outboxEventSchema } from '../../queue/outbox.js';
import type { DeliveryLanes } from './lanes.js';

/**
 * The events of a batch the relay routes itself, in the transaction that marks them dispatched (no routing
 * job): the notifications made, and for each event whether it was routed here (the others are left to
 * routing jobs after all).
 */
export type InlineRouting = (
  tx: DbOrTx,
  events: OutboxEvent[],
) => Promise<{ notifications: number[]; routed: boolean[] }>;

interface RelayDeps {
  db: Db;
  sql: Sql;
  routingQueue: Queue;
  logger: Logger;
  metrics: DeliveryMetrics;
  pollIntervalMs?: number;
  batchSize?: number;
  /** Told when a pass fails because PostgreSQL is away, so the process watches for its return. */
  database?: DatabaseWatch;
  /** Events routed by the relay itself (a relayed message: one read, one insert), their copies laned after the commit. */
  inline?: { route: InlineRouting; lanes: DeliveryLanes };
}

/** Marks a failure of inline routing: the batch is run again with every event as a routing job. */
class InlineRoutingFailed extends Error {}

/**
 * Routes in its transaction the batch's events that `inline.route` takes; returns the notifications made and
 * the events left for routing jobs.
 */
async function routeInline(deps: RelayDeps, tx: DbOrTx, events: Array<{ id: number; event: OutboxEvent }>) {
  const inline = deps.inline;
  if (!inline || events.length === 0) return { routed: [], queued: events };
  let result: Awaited<ReturnType<InlineRouting>>;
  try {
    result = await inline.route(
      tx,
      events.map((item) => item.event),
    );
  } catch (error) {
    throw new InlineRoutingFailed('inline routing failed', { cause: error });
  }
  return { routed: result.notifications, queued: events.filter((_, index) => !result.routed[index]) };
}

/** `now` for the rows of `ids`, null for the others of the statement. */
const routedAtFor = (ids: number[], now: Date) =>
  drizzleSql`case when ${inArray(outbox.id, ids)} then ${now.toISOString()}::timestamptz end`;

/**
 * An outbox event's routing is done: its notifications exist (called by the routing job once they are).
 * The reconciler queues again a dispatched event without it.
 */
export async function markOutboxRouted(db: DbOrTx, outboxId: number): Promise<void> {
  await db
    .update(outbox)
    .set({ routedAt: new Date() })
    .where(drizzleSql`${outbox.id} = ${outboxId} and ${outbox.routedAt} is null`);
}

/**
 * Claims up to `batchSize` pending outbox rows, routes those the relay routes itself (`inline`), queues the
 * routing jobs of the others and marks them all dispatched, in one transaction: a relayed message's copies
 * exist exactly when its event is dispatched. The copies join their lanes after the commit (if this process
 * dies first, they are pending in PostgreSQL and the reconciler lanes them).
 */
async function dispatchBatch(deps: RelayDeps, batchSize: number, inline = true): Promise<number> {
  const routedIds: number[] = [];
  const count = await deps.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(eq(outbox.status, 'pending'))
      .orderBy(asc(outbox.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    const events = rows.flatMap((row) => {
      const event = outboxEventSchema.safeParse({ kind: row.kind, payload: row.payload });
      if (event.success) return [{ id: row.id, event: event.data }];
      // A row this version does not understand is left out of BullMQ but marked, and logged, so it
      // does not block the rows after it.
      deps.logger.error({ outboxId: row.id, kind: row.kind }, 'outbox row of an unknown shape skipped');
      return [];
    });
    const { routed, queued } = inline ? await routeInline(deps, tx, events) : { routed: [], queued: events };
    routedIds.push(...routed);
    const jobs = queued.map((item) => routingJob(item.id, item.event));
    if (jobs.length > 0) await deps.routingQueue.addBulk(jobs);
    const now = new Date();
    // Routed here, or of a shape nothing here can route: done with. The others are routed by their job
    // (which marks them), or queued again by the reconciler if the job is lost.
    const queuedIds = new Set(jobs.map((job) => job.data.outboxId));
    const finished = rows.filter((row) => !queuedIds.has(row.id)).map((row) => row.id);
    await tx
      .update(outbox)
      .set({
        status: 'dispatched',
        dispatchedAt: now,
        attempts: drizzleSql`${outbox.attempts} + 1`,
        ...(finished.length > 0 ? { routedAt: routedAtFor(finished, now) } : {}),
      })
      .where(
        inArray(
          outbox.id,
          rows.map((row) => row.id),
        ),
      );
    for (const row of rows) deps.metrics.relayLag.observe((now.getTime() - row.createdAt.getTime()) / 1000);
    deps.metrics.relayDispatched.inc(rows.length);
    return rows.length;
  });
  // Redis away: they wait in PostgreSQL for the reconciler, as a routing job's would.
  if (routedIds.length > 0)
    await deps.inline?.lanes
      .add(routedIds)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not lane relayed copies'));
  return count;
}

/** A batch, with its inline routing; when that fails, the same batch again with every event as a job. */
async function dispatchBatchOrJobs(deps: RelayDeps, batchSize: number): Promise<number> {
  try {
    return await dispatchBatch(deps, batchSize);
  } catch (error) {
    if (!(error instanceof InlineRoutingFailed)) throw error;
    if (isDatabaseOutage(error.cause)) throw error.cause;
    deps.logger.warn({ err: error.cause }, 'inline routing failed: the batch goes by routing jobs');
    return dispatchBatch(deps, batchSize, false);
  }
}

/**
 * Moves committed outbox rows into BullMQ. NOTIFY (sent by writeOutbox when the writer commits) wakes it
 * within milliseconds; a slow safety poll covers notifications lost while the LISTEN connection was down.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so several relays share the work and each row is claimed
 * once; the job id is derived from the outbox id, so a row queued twice (commit lost after the add) is
 * still one job.
 */
export function createOutboxRelay(deps: RelayDeps) {
  const batchSize = deps.batchSize ?? 200;
  let draining: Promise<void> | undefined;
  let wakeAgain = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let listener: { unlisten(): Promise<void> } | undefined;

  async function drainLoop() {
    do {
      wakeAgain = false;
      try {
        while (!stopped && (await dispatchBatchOrJobs(deps, batchSize)) === batchSize) {}
      } catch (error) {
        // Redis or PostgreSQL away: the rows stay pending and the next wake-up or poll tries again.
        deps.logger.warn({ err: error }, 'outbox relay pass failed');
        if (isDatabaseOutage(error)) deps.database?.markDown();
        return;
      }
    } while (wakeAgain && !stopped);
  }

  /** Runs a pass now, or right after the one in progress. */
  function wake(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (draining) {
      wakeAgain = true;
      return draining;
    }
    draining = drainLoop().finally(() => {
      draining = undefined;
    });
    return draining;
  }

  return {
    wake,
    async start() {
      // onlisten runs on every (re)connect of the LISTEN connection: catch up on what was missed.
      listener = await deps.sql.listen(
        OUTBOX_CHANNEL,
        () => void wake(),
        () => void wake(),
      );
      timer = setInterval(() => void wake(), deps.pollIntervalMs ?? 5000);
      timer.unref();
      await wake();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await listener?.unlisten().catch(() => undefined);
      await draining;
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
