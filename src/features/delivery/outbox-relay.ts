import type { Queue } from 'bullmq';
import { asc, sql as drizzleSql, eq, inArray } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { Db } from '../../db/client.js';
import { type DatabaseWatch, isDatabaseOutage } from '../../db/database-outage.js';
import { outbox } from '../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import type { DeliveryMetrics } from '../../metrics/delivery.metrics.js';
import { routingJob } from '../../queue/jobs.js';
import { OUTBOX_CHANNEL, outboxEventSchema } from '../../queue/outbox.js';

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
}

/** Claims up to `batchSize` pending outbox rows, queues their routing jobs and marks them dispatched. */
async function dispatchBatch(deps: RelayDeps, batchSize: number): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(eq(outbox.status, 'pending'))
      .orderBy(asc(outbox.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    const jobs = rows.flatMap((row) => {
      const event = outboxEventSchema.safeParse({ kind: row.kind, payload: row.payload });
      if (event.success) return [routingJob(row.id, event.data)];
      // A row this version does not understand is left out of BullMQ but marked, and logged, so it
      // does not block the rows after it.
      deps.logger.error({ outboxId: row.id, kind: row.kind }, 'outbox row of an unknown shape skipped');
      return [];
    });
    if (jobs.length > 0) await deps.routingQueue.addBulk(jobs);
    const now = new Date();
    await tx
      .update(outbox)
      .set({ status: 'dispatched', dispatchedAt: now, attempts: drizzleSql`${outbox.attempts} + 1` })
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
        while (!stopped && (await dispatchBatch(deps, batchSize)) === batchSize) {}
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
