import type { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { deliveryJob, routingJob } from '../../queue/jobs.js';
import { outboxEventSchema } from '../../queue/outbox.js';
import { createNotificationsRepository } from './notifications.repository.js';
import type { OutboxRelay } from './outbox-relay.js';

const PAGE = 1000;

/**
 * PostgreSQL is the truth, Redis may be wiped or lose jobs with a crash. At start-up and then periodically
 * this re-creates every job that should exist: pending outbox rows (through the relay), outbox events whose
 * effect is not in the database yet, and pending notifications. Job ids make re-adding an existing job a
 * no-op, and a notification that is `sent` is never picked, so nothing is sent twice because of it.
 */
export function createReconciler(deps: {
  db: Db;
  relay: OutboxRelay;
  routingQueue: Queue;
  deliveryQueue: Queue;
  logger: Logger;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function requeueUnfinishedOutbox(): Promise<number> {
    // Dispatched, but the routing it asked for has not happened (its job was lost or gave up).
    const rows = await deps.db.execute<{ id: number; kind: string; payload: unknown }>(sql`
      select o.id, o.kind, o.payload from outbox o
      where o.status = 'dispatched' and (
        (o.kind = 'request_created' and exists (
          select 1 from requests r where r.id = (o.payload->>'requestId')::int and r.status = 'new'))
        or (o.kind = 'family_without_curator' and not exists (
          select 1 from notifications n
          where n.dedupe_key like 'family:' || (o.payload->>'familyId') || ':without-curator:%'))
      )
      order by o.id`);
    const jobs = rows.flatMap((row) => {
      const event = outboxEventSchema.safeParse({ kind: row.kind, payload: row.payload });
      return event.success ? [routingJob(Number(row.id), event.data)] : [];
    });
    if (jobs.length > 0) await deps.routingQueue.addBulk(jobs);
    return jobs.length;
  }

  async function requeuePendingNotifications(): Promise<number> {
    const repository = createNotificationsRepository({ db: deps.db });
    let afterId = 0;
    let total = 0;
    for (;;) {
      const ids = await repository.pendingIds(afterId, PAGE);
      if (ids.length === 0) return total;
      await deps.deliveryQueue.addBulk(ids.map(deliveryJob));
      total += ids.length;
      afterId = ids[ids.length - 1] ?? afterId;
    }
  }

  async function reconcileOnce(): Promise<{ outbox: number; notifications: number }> {
    await deps.relay.wake();
    const outbox = await requeueUnfinishedOutbox();
    const notifications = await requeuePendingNotifications();
    if (outbox + notifications > 0)
      deps.logger.info({ outbox, notifications }, 'reconciled jobs from PostgreSQL');
    return { outbox, notifications };
  }

  function tick() {
    running ??= reconcileOnce()
      .then(() => undefined)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'reconciliation failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    reconcileOnce,
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
