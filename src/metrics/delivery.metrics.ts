import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The delivery lanes as the metrics read them: chats waiting per send class (features/delivery/lanes.ts). */
export interface WatchedLanes {
  waitingChats(): Promise<Record<string, number>>;
}

/** What delivery and the relay count: sends and their outcomes, Telegram's answers, the relay's lag. */
function deliveryCounters(registry: Registry) {
  return {
    notificationsSent: new Counter({
      name: 'patronazh_notifications_sent_total',
      help: 'Notifications delivered to Telegram',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    notificationsFailed: new Counter({
      name: 'patronazh_notifications_failed_total',
      help: 'Notifications that will not be delivered, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    telegramRetries: new Counter({
      name: 'patronazh_telegram_retries_total',
      help: 'Sends to retry after a 5xx or a network error',
      registers: [registry],
    }),
    telegramTooManyRequests: new Counter({
      name: 'patronazh_telegram_429_total',
      help: '429 Too Many Requests answers from Telegram',
      registers: [registry],
    }),
    relayLag: new Histogram({
      name: 'patronazh_relay_lag_seconds',
      help: 'Time from an outbox row being written to its job being queued',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    relayDispatched: new Counter({
      name: 'patronazh_relay_dispatched_total',
      help: 'Outbox rows moved into BullMQ',
      registers: [registry],
    }),
  };
}

/**
 * Prometheus metrics of one process. A registry per process (not prom-client's global one), so several
 * apps in one test process do not collide.
 */
export function createDeliveryMetrics() {
  const registry = new Registry();
  const queues: Queue[] = [];
  let lanes: WatchedLanes | undefined;
  const metrics = {
    registry,
    queueJobs: new Gauge({
      name: 'patronazh_queue_jobs',
      help: 'Jobs in each BullMQ queue by state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const queue of queues) {
          const counts = await queue
            .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed')
            .catch(() => undefined);
          if (!counts) continue;
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        }
      },
    }),
    laneChats: new Gauge({
      name: 'patronazh_delivery_chats_waiting',
      help: 'Chats with notifications waiting in their delivery lane, by the send class of the first',
      labelNames: ['class'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        if (!lanes) return;
        const counts = await lanes.waitingChats().catch(() => undefined);
        for (const [name, count] of Object.entries(counts ?? {})) this.set({ class: name }, count);
      },
    }),
    jobsCompleted: new Counter({
      name: 'patronazh_jobs_completed_total',
      help: 'Jobs completed by the workers of this process',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    jobsFailed: new Counter({
      name: 'patronazh_jobs_failed_total',
      help: 'Job attempts that failed in the workers of this process',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    ...deliveryCounters(registry),
    /** Queue depths are read from these queues at scrape time. */
    watchQueue(queue: Queue) {
      queues.push(queue);
    },
    /** The delivery lanes whose waiting chats are counted at scrape time. */
    watchLanes(watched: WatchedLanes) {
      lanes = watched;
    },
    /** Counts a worker's completed and failed jobs. */
    watchWorker(worker: Worker) {
      worker.on('completed', () => metrics.jobsCompleted.inc({ queue: worker.name }));
      worker.on('failed', () => metrics.jobsFailed.inc({ queue: worker.name }));
    },
    /** The `/metrics` route for the HTTP server. */
    async handle(_req: IncomingMessage, res: ServerResponse) {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    },
  };
  return metrics;
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;
