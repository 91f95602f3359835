import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql as rawSql } from 'drizzle-orm';
import { setDefaultCommands } from './bot/chat-commands.js';
import type { PatronazhBot } from './bot/create-bot.js';
import { runHeldOffsetPolling } from './bot/intake/held-offset-polling.js';
import type { Config } from './config.js';
import { createContainer } from './container.js';
import { createDatabaseWatch } from './db/database-outage.js';
import { isDriverPatched } from './db/driver-patch.js';
import { runMigrations } from './db/migrate.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import type { DeliveryMetrics } from './metrics/delivery.metrics.js';
import type { Started, StartOptions } from './roles/started.js';

export { type Role, roles, type StartOptions } from './roles/started.js';

export interface RunningApp {
  httpPort: number;
  /** The monitoring site's port, when this process runs the web role. */
  webPort: number | undefined;
  bot: PatronazhBot | undefined;
  stop(): Promise<void>;
}

/**
 * PostgreSQL connections of a process running the worker role: delivery's turns in hand (10, each holding
 * its claiming transaction and rendering on one more from the pool: 20), routing's jobs (8), and a few for
 * deadlines, outreach and housekeeping (and, with `--one-process`, the bot and the site). Other roles keep
 * the default 10. postgres.js opens them only as they are needed.
 */
const WORKER_DATABASE_POOL = 34;

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

/** The composition root's body: config → container → roles → a stop function that shuts down in order. */
export async function startApp(config: Config, options: StartOptions): Promise<RunningApp> {
  // Without the driver fix a PostgreSQL restart ends the process (see src/db/driver-patch.ts): refuse to start.
  if (!isDriverPatched()) {
    throw new Error(
      'the postgres driver is not patched: run `npx patch-package` (npm ci does it on install)',
    );
  }
  const runsWorkers = options.role === 'worker' || options.role === 'all';
  // The worker role's sends wait for the global budget inside their claiming transactions (a connection
  // each, DELIVERY_CONCURRENCY at most); routing jobs must not wait for a connection behind them.
  const container = createContainer(config, {
    logger: options.logger,
    ...(runsWorkers ? { databasePool: WORKER_DATABASE_POOL } : {}),
  });
  const { logger, db } = container;
  const runsBot = options.role === 'bot' || options.role === 'all';
  const runsRelay = options.role === 'relay' || options.role === 'all';
  const runsWeb = options.role === 'web' || options.role === 'all';

  await runMigrations(config.databaseUrl);
  await container.connect();

  const started: Started = {
    config,
    container,
    // Workers and the relay notice PostgreSQL going away from their own failures and take the work up again
    // the moment it answers (wait-for-database.ts, the reconciler's kick in startRelay).
    database:
      runsWorkers || runsRelay
        ? createDatabaseWatch({
            db,
            logger,
            downMessage: 'PostgreSQL unreachable: jobs wait for it, the outbox stays pending',
          })
        : undefined,
    workers: [],
    dispatchers: [],
    queues: [],
    redisConnections: [],
  };
  if (runsWorkers || runsRelay) {
    const { openQueues, startRelay, startWorkers } = await import('./roles/pipeline.js');
    const pipeline = Object.assign(started, { metrics: await processMetrics(started) });
    const queues = await openQueues(pipeline);
    if (runsWorkers) await startWorkers(pipeline, queues);
    if (runsRelay) await startRelay(pipeline, queues, options);
  }
  if (runsBot) await startBot(started, options);
  if (runsWeb) {
    const { startWeb } = await import('./roles/web.js');
    await startWeb(started);
  }

  const http = createAppHttpServer(started);
  const httpPort = await http.listen(config.http.port, config.http.host);
  logger.info(
    {
      role: options.role,
      ...(options.oneProcess ? { oneProcess: true } : {}),
      httpPort,
      webPort: started.web?.port,
      mode: runsBot ? (config.webhook ? 'webhook' : 'polling') : undefined,
    },
    options.supervised ? 'role started' : 'started',
  );
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopInOrder(started, http);
    return stopping;
  };
  return { httpPort, webPort: started.web?.port, bot: started.bot, stop };
}

/** The bot role: the bot with its features, its default menu, and updates by webhook or by polling. */
async function startBot(started: Started, options: StartOptions) {
  const { config, container } = started;
  const { logger } = container;
  // Loaded only by processes that receive updates: workers and relays never need the dialogues.
  const { createBot } = await import('./bot/create-bot.js');
  const { createBotFeatures, findBotSender } = await import('./roles/bot-features.js');
  const bot = createBot(config, {
    db: container.db,
    logger,
    i18n: container.i18n,
    redis: container.redis,
    botInfo: options.botInfo,
    features: createBotFeatures(),
    findSender: findBotSender,
  });
  started.bot = bot;
  await bot.init();
  // The menu of everyone without a chat menu of their own (families' and staff's are set per chat).
  await setDefaultCommands({ api: bot.api, i18n: container.i18n, logger });
  if (config.webhook) {
    await bot.api.setWebhook(config.webhook.url, {
      secret_token: config.webhook.secret,
      allowed_updates: [...allowedUpdates],
    });
    started.webhook = {
      path: new URL(config.webhook.url).pathname,
      secret: config.webhook.secret,
      handleUpdate: (update) => bot.handleUpdate(update),
    };
    return;
  }
  await bot.api.deleteWebhook();
  // createBot already keeps the updates of one chat in order; different chats run concurrently. An update
  // that could be neither handled nor kept is not confirmed to Telegram (held-offset-polling.ts).
  const redis = container.redis;
  started.runner = runHeldOffsetPolling(bot, {
    logger,
    allowedUpdates,
    redisAnswers: () => redis.status === 'ready',
    databaseAnswers: () => !bot.database.isDown(),
  });
  // What a killed predecessor had in hand (confirmed to Telegram already): handled again, or skipped if done.
  void bot
    .recoverUpdatesInHand()
    .catch((error: unknown) => logger.warn({ err: error }, 'could not look for updates left in hand'));
}

/** The process's metrics, made on first use: a bot process loads them (and BullMQ) only once it is scraped. */
async function processMetrics(started: Started): Promise<DeliveryMetrics> {
  const { createDeliveryMetrics } = await import('./metrics/delivery.metrics.js');
  started.metrics ??= createDeliveryMetrics();
  return started.metrics;
}

/** Every role's HTTP server: health, metrics, and the webhook when the bot takes updates that way. */
function createAppHttpServer(started: Started): HttpServer {
  const { container } = started;
  return createHttpServer({
    logger: container.logger,
    webhook: started.webhook,
    routes: new Map([
      [
        '/metrics',
        async (req: IncomingMessage, res: ServerResponse) => (await processMetrics(started)).handle(req, res),
      ],
    ]),
    healthChecks: [
      { name: 'postgres', check: async () => void (await container.db.execute(rawSql`select 1`)) },
      { name: 'redis', check: async () => void (await container.redis.ping()) },
    ],
  });
}

/** Shutdown in order: stop taking updates → close workers → close queues → quit Redis → end SQL. */
async function stopInOrder(started: Started, http: HttpServer) {
  const { config, container, bot, runner } = started;
  const { logger } = container;
  logger.info('shutting down');
  // 1. Stop taking updates.
  if (runner?.isRunning()) await runner.stop();
  await http.close();
  await started.web?.close();
  // Neither waits for the updates in hand: let them finish (reply and store the dialogue) first.
  const step = Math.max(1000, Math.floor(config.shutdownTimeoutMs / 3));
  if (bot) {
    // A chat's kept updates not yet handed back stay in Redis for the next process.
    bot.stopDraining();
    await withTimeout(bot.updatesSettled(), step, () => logger.warn('updates still in hand at shutdown'));
  }
  // Jobs waiting for PostgreSQL give up now (they are retried from Redis or rebuilt from PostgreSQL).
  started.database?.stop();
  // The relay and the reconciler produce jobs: stop them before the queues close.
  await started.deadlinesReconciler?.stop();
  await started.reconciler?.stop();
  await started.relay?.stop();
  // 2. Close workers (they finish the job in hand), 3. close queues. With Redis gone these would wait
  // forever, so each step is bounded; an unfinished job stays in Redis/PostgreSQL and is picked up again.
  await Promise.all(
    [...started.workers, ...started.dispatchers].map((worker) =>
      withTimeout(worker.close(), step, () => {
        logger.warn('worker did not finish in time, forcing close');
        void worker.close(true).catch(() => undefined);
      }),
    ),
  );
  await Promise.all(
    started.queues.map((queue) => withTimeout(queue.close(), step, () => queue.disconnect())),
  );
  // 4. Quit Redis, 5. end SQL.
  for (const connection of started.redisConnections) connection.disconnect();
  await container.close();
  logger.info('stopped');
}
