import type { RunnerHandle } from '@grammyjs/runner';
import type { Queue, Worker } from 'bullmq';
import type { UserFromGetMe } from 'grammy/types';
import type { PatronazhBot } from '../bot/create-bot.js';
import type { Config } from '../config.js';
import type { Container } from '../container.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import type { DeadlinesReconciler } from '../features/deadlines/index.js';
import type { OutboxRelay, Reconciler } from '../features/delivery/index.js';
import type { WebhookTarget } from '../http/server.js';
import type { Logger } from '../logger.js';
import type { DeliveryMetrics } from '../metrics/delivery.metrics.js';
import type { DeliveryWorker } from '../workers/delivery.worker.js';

/**
 * bot: receives updates (polling or webhook); worker: runs the queue workers (routing, delivery, deadlines,
 * housekeeping); relay: moves the outbox into BullMQ and reconciles jobs from PostgreSQL; web: the monitoring
 * site on WEB_PORT; all: everything.
 */
export const roles = ['bot', 'worker', 'relay', 'web', 'all'] as const;
export type Role = (typeof roles)[number];

export interface StartOptions {
  role: Role;
  logger?: Logger;
  /** Skips getMe at start (tests that know the bot). */
  botInfo?: UserFromGetMe;
  /** How often the relay polls the outbox besides LISTEN/NOTIFY. Default 5 s. */
  relayPollIntervalMs?: number;
  /** How often the reconciler rebuilds jobs from PostgreSQL. Default 30 s. */
  reconcileIntervalMs?: number;
  /** Run by `--role=all`'s supervisor (which logs the service's own `started`). */
  supervised?: boolean;
  /** `--role=all --one-process`: every role in this process, no supervisor (said in the `started` line). */
  oneProcess?: boolean;
}

/** What the roles started, for the shutdown to stop in order. */
export interface Started {
  config: Config;
  container: Container;
  /** Made when workers or the relay start, or at the first scrape of /metrics (app.ts `processMetrics`). */
  metrics?: DeliveryMetrics;
  database: DatabaseWatch | undefined;
  workers: Worker[];
  /** The delivery dispatchers (lanes.ts), closed with the workers. */
  dispatchers: DeliveryWorker[];
  queues: Queue[];
  redisConnections: Array<{ disconnect(): void }>;
  relay?: OutboxRelay;
  reconciler?: Reconciler;
  deadlinesReconciler?: DeadlinesReconciler;
  bot?: PatronazhBot;
  runner?: RunnerHandle;
  webhook?: WebhookTarget;
  /** The monitoring site of the web role (src/roles/web.ts). */
  web?: { port: number; close(): Promise<void> };
}

/** What the worker and relay roles start with: the process's metrics made. */
export type PipelineStarted = Started & { metrics: DeliveryMetrics };
