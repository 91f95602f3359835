import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunnerHandle } from '@grammyjs/runner';
import { Queue, type Worker } from 'bullmq';
import { sql as rawSql } from 'drizzle-orm';
import type { UserFromGetMe } from 'grammy/types';
import { setDefaultCommands } from './bot/chat-commands.js';
import type { PatronazhBot } from './bot/create-bot.js';
import { runHeldOffsetPolling } from './bot/intake/held-offset-polling.js';
import type { Config } from './config.js';
import { createContainer } from './container.js';
import { createDatabaseWatch } from './db/database-outage.js';
import { isDriverPatched } from './db/driver-patch.js';
import { runMigrations } from './db/migrate.js';
import { deadlineNotifications } from './features/deadlines/deadlines.content.js';
import {
  createDeadlinesReconciler,
  type DeadlinesReconciler,
} from './features/deadlines/deadlines.reconciler.js';
import { createDeadlineScheduler } from './features/deadlines/deadlines.scheduler.js';
import { createDeliveryMetrics } from './features/delivery/delivery.metrics.js';
import { createNotificationRegistry } from './features/delivery/notification-registry.js';
import { createOutboxRelay, type OutboxRelay } from './features/delivery/outbox-relay.js';
import { createReconciler, type Reconciler } from './features/delivery/reconciler.js';
import { retractionNotifications } from './features/delivery/retraction.js';
import { relayNotifications } from './features/relay/relay.content.js';
import { attachmentNotifications } from './features/request-card/request-card.files.js';
import { routingNotifications } from './features/routing/routing.content.js';
import { erasureNotifications } from './features/settings/settings.erasure.js';
import { supervisionNotifications } from './features/supervision/supervision.notices.js';
import { createHttpServer, type HttpServer, type WebhookTarget } from './http/server.js';
import type { Logger } from './logger.js';
import { createProducerConnection, createWorkerConnection } from './queue/connections.js';
import { queueNames } from './queue/names.js';
import { createSendSlots } from './telegram/send-slots.js';
import { createTelegramSender } from './telegram/telegram-sender.js';
import { startDeadlinesWorker } from './workers/deadlines.worker.js';
import { startDeliveryWorker } from './workers/delivery.worker.js';
import { startHousekeeping } from './workers/housekeeping.worker.js';
import { startRoutingWorker } from './workers/routing.worker.js';

/**
 * bot: receives updates (polling or webhook); worker: runs the queue workers (routing, delivery, deadlines,
 * housekeeping); relay: moves the outbox into BullMQ and reconciles jobs from PostgreSQL; all: everything.
 */
export const roles = ['bot', 'worker', 'relay', 'all'] as const;
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
}

export interface RunningApp {
  httpPort: number;
  bot: PatronazhBot | undefined;
  stop(): Promise<void>;
}

const allowedUpdates = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

async function withTimeout(promise: Promise<unknown>, ms: number, onTimeout: () => unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const result = await Promise.race([
    promise.then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  if (result === 'timeout') await onTimeout();
}

/**
 * What the delivery worker can send: each feature's notification kinds with their renderers. Delivery
 * itself knows none of them; a kind nobody registers is recorded as failed when it comes to be sent.
 */
export function createAppNotifications() {
  return createNotificationRegistry([
    routingNotifications,
    attachmentNotifications,
    relayNotifications,
    deadlineNotifications,
    supervisionNotifications,
    erasureNotifications,
    retractionNotifications,
  ]);
}

/** The composition root's body: config → container → roles → a stop function that shuts down in order. */
export async function startApp(config: Config, options: StartOptions): Promise<RunningApp> {
  // Without the driver fix a PostgreSQL restart ends the process (see src/db/driver-patch.ts): refuse to start.
  if (!isDriverPatched()) {
    throw new Error(
      'the postgres driver is not patched: run `npx patch-package` (npm ci does it on install)',
    );
  }
  const container = createContainer(config, { logger: options.logger });
  const { logger, db } = container;
  const runsBot = options.role === 'bot' || options.role === 'all';
  const runsWorkers = options.role === 'worker' || options.role === 'all';
  const runsRelay = options.role === 'relay' || options.role === 'all';

  await runMigrations(config.databaseUrl);
  await container.connect();

  const metrics = createDeliveryMetrics();
  const workers: Worker[] = [];
  const queues: Queue[] = [];
  const redisConnections: Array<{ disconnect(): void }> = [];
  let relay: OutboxRelay | undefined;
  let reconciler: Reconciler | undefined;
  let deadlinesReconciler: DeadlinesReconciler | undefined;
  // Workers and the relay notice PostgreSQL going away from their own failures and take the work up again the
  // moment it answers (wait-for-database.ts, the reconciler's kick below).
  const database =
    runsWorkers || runsRelay
      ? createDatabaseWatch({
          db,
          logger,
          downMessage: 'PostgreSQL unreachable: jobs wait for it, the outbox stays pending',
        })
      : undefined;
  if (runsWorkers || runsRelay) {
    const producerConnection = createProducerConnection(config.redisUrl, 'patronazh-producer');
    producerConnection.on('error', (error) => logger.warn({ err: error }, 'producer redis connection error'));
    redisConnections.push(producerConnection);
    const openQueue = (name: string) => {
      const queue = new Queue(name, { connection: producerConnection, prefix: config.redisPrefix });
      queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'queue error'));
      queues.push(queue);
      metrics.watchQueue(queue);
      return queue;
    };
    const routingQueue = openQueue(queueNames.routing);
    const deliveryQueue = openQueue(queueNames.delivery);
    const deadlinesQueue = openQueue(queueNames.deadlines);
    await Promise.all([
      routingQueue.waitUntilReady(),
      deliveryQueue.waitUntilReady(),
      deadlinesQueue.waitUntilReady(),
    ]);
    const deadlines = createDeadlineScheduler({
      db,
      queue: deadlinesQueue,
      policies: config.deadlinePolicies,
      logger,
    });

    if (runsWorkers) {
      const workerConnection = createWorkerConnection(config.redisUrl, 'patronazh-worker');
      workerConnection.on('error', (error) => logger.warn({ err: error }, 'worker redis connection error'));
      redisConnections.push(workerConnection);
      const housekeeping = await startHousekeeping({
        db,
        logger,
        connection: workerConnection,
        prefix: config.redisPrefix,
      });
      queues.push(housekeeping.queue);
      const routing = startRoutingWorker({
        db,
        database,
        deliveryQueue,
        deadlines,
        logger,
        connection: workerConnection,
        prefix: config.redisPrefix,
      });
      const delivery = startDeliveryWorker({
        db,
        database,
        i18n: container.i18n,
        timeZone: config.timeZone,
        notifications: createAppNotifications(),
        sender: createTelegramSender({ token: config.botToken, apiRoot: config.telegramApiRoot }),
        slots: createSendSlots({ redis: producerConnection, prefix: config.redisPrefix }),
        deliveryQueue,
        metrics,
        logger,
        connection: workerConnection,
        prefix: config.redisPrefix,
      });
      const deadlinesWorker = startDeadlinesWorker({
        db,
        database,
        policies: config.deadlinePolicies,
        deliveryQueue,
        scheduler: deadlines,
        logger,
        connection: workerConnection,
        prefix: config.redisPrefix,
      });
      for (const worker of [housekeeping.worker, routing, delivery, deadlinesWorker]) {
        metrics.watchWorker(worker);
        workers.push(worker);
      }
    }

    if (runsRelay) {
      relay = createOutboxRelay({
        db,
        sql: container.sql,
        routingQueue,
        logger,
        metrics,
        pollIntervalMs: options.relayPollIntervalMs,
        database,
      });
      await relay.start();
      reconciler = createReconciler({
        db,
        relay,
        routingQueue,
        deliveryQueue,
        logger,
        intervalMs: options.reconcileIntervalMs,
        database,
      });
      await reconciler.start();
      // Back from an outage: queue what piled up now, not at the next periodic pass. PostgreSQL: the outbox
      // rows written meanwhile and the notifications whose jobs gave up; Redis: the jobs that could not be
      // added while it was away.
      const activeReconciler = reconciler;
      database?.onBack(() => void activeReconciler.kick());
      let redisWasAway = false;
      producerConnection.on('close', () => {
        redisWasAway = true;
      });
      producerConnection.on('ready', () => {
        if (!redisWasAway) return;
        redisWasAway = false;
        logger.info('Redis is reachable again: queueing what waited in PostgreSQL');
        void activeReconciler.kick();
      });
      deadlinesReconciler = createDeadlinesReconciler({
        db,
        queue: deadlinesQueue,
        redis: producerConnection,
        prefix: config.redisPrefix,
        scheduler: deadlines,
        policies: config.deadlinePolicies,
        logger,
        sweepIntervalMs: options.reconcileIntervalMs,
        registry: metrics.registry,
        // The same wipe empties the delivery queues: rebuild them now, not at the next 30 s pass.
        onWipe: () => reconciler!.reconcileOnce(),
      });
      await deadlinesReconciler.start();
    }
  }

  let bot: PatronazhBot | undefined;
  let runner: RunnerHandle | undefined;
  let webhook: WebhookTarget | undefined;
  if (runsBot) {
    // Loaded only by processes that receive updates: workers and relays never need the dialogues.
    const { createBot } = await import('./bot/create-bot.js');
    const { createBotFeatures, findBotMember } = await import('./roles/bot-features.js');
    bot = createBot(config, {
      db,
      logger,
      i18n: container.i18n,
      redis: container.redis,
      botInfo: options.botInfo,
      features: createBotFeatures(),
      findMember: findBotMember,
    });
    await bot.init();
    // The menu of everyone without a chat menu of their own (families' and staff's are set per chat).
    await setDefaultCommands({ api: bot.api, i18n: container.i18n, logger });
    const activeBot = bot;
    if (config.webhook) {
      await bot.api.setWebhook(config.webhook.url, {
        secret_token: config.webhook.secret,
        allowed_updates: [...allowedUpdates],
      });
      webhook = {
        path: new URL(config.webhook.url).pathname,
        secret: config.webhook.secret,
        handleUpdate: (update) => activeBot.handleUpdate(update),
      };
    } else {
      await bot.api.deleteWebhook();
      // createBot already keeps the updates of one chat in order; different chats run concurrently. An update
      // that could be neither handled nor kept is not confirmed to Telegram (held-offset-polling.ts).
      const redis = container.redis;
      runner = runHeldOffsetPolling(bot, {
        logger,
        allowedUpdates,
        redisAnswers: () => redis.status === 'ready',
        databaseAnswers: () => !activeBot.database.isDown(),
      });
    }
  }

  const http: HttpServer = createHttpServer({
    logger,
    webhook,
    routes: new Map([['/metrics', (req: IncomingMessage, res: ServerResponse) => metrics.handle(req, res)]]),
    healthChecks: [
      { name: 'postgres', check: async () => void (await db.execute(rawSql`select 1`)) },
      { name: 'redis', check: async () => void (await container.redis.ping()) },
    ],
  });
  const httpPort = await http.listen(config.http.port, config.http.host);
  logger.info(
    { role: options.role, httpPort, mode: runsBot ? (config.webhook ? 'webhook' : 'polling') : undefined },
    options.supervised ? 'role started' : 'started',
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down');
      // 1. Stop taking updates.
      if (runner?.isRunning()) await runner.stop();
      await http.close();
      // Neither waits for the updates in hand: let them finish (reply and store the dialogue) first.
      const step = Math.max(1000, Math.floor(config.shutdownTimeoutMs / 3));
      if (bot) {
        // A chat's kept updates not yet handed back stay in Redis for the next process.
        bot.stopDraining();
        await withTimeout(bot.updatesSettled(), step, () => logger.warn('updates still in hand at shutdown'));
      }
      // Jobs waiting for PostgreSQL give up now (they are retried from Redis or rebuilt from PostgreSQL).
      database?.stop();
      // The relay and the reconciler produce jobs: stop them before the queues close.
      await deadlinesReconciler?.stop();
      await reconciler?.stop();
      await relay?.stop();
      // 2. Close workers (they finish the job in hand), 3. close queues. With Redis gone these would wait
      // forever, so each step is bounded; an unfinished job stays in Redis/PostgreSQL and is picked up again.
      await Promise.all(
        workers.map((worker) =>
          withTimeout(worker.close(), step, () => {
            logger.warn('worker did not finish in time, forcing close');
            void worker.close(true).catch(() => undefined);
          }),
        ),
      );
      await Promise.all(queues.map((queue) => withTimeout(queue.close(), step, () => queue.disconnect())));
      // 4. Quit Redis, 5. end SQL.
      for (const connection of redisConnections) connection.disconnect();
      await container.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  return { httpPort, bot, stop };
}
