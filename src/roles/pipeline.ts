import { Queue } from 'bullmq';
import { DEFAULT_PSY_VIDEO_LINK_TEMPLATE } from '../config.js';
import { announcementNotifications, startAnnouncementProgress } from '../features/announcements/index.js';
import { checkInNotifications } from '../features/check-ins/index.js';
import {
  createDeadlineScheduler,
  createDeadlinesReconciler,
  deadlineNotifications,
} from '../features/deadlines/index.js';
import {
  createDeliveryLanes,
  createNotificationRegistry,
  createOutboxRelay,
  createReconciler,
  createUnrecordedSends,
  type Reconciler,
  retractionNotifications,
} from '../features/delivery/index.js';
import {
  createConsultationTimers,
  createPsychologistNotifications,
} from '../features/psychologists/index.js';
import { relayNotifications, routeRelayedEventsIn } from '../features/relay/index.js';
import { attachmentNotifications } from '../features/request-card/index.js';
import { createRoutingNotifications } from '../features/routing/index.js';
import { erasureNotifications } from '../features/settings/index.js';
import { supervisionNotifications, toldFamilyReassignedTo } from '../features/supervision/index.js';
import { supportMeasuresNotifications } from '../features/support-measures/index.js';
import { createDeadlineRepairsCounter } from '../metrics/deadline-repairs.js';
import { createProducerConnection, createWorkerConnection } from '../queue/connections.js';
import { queueNames } from '../queue/names.js';
import { createSendSlots, sendLimitsFor } from '../telegram/send-slots.js';
import { createTelegramSender } from '../telegram/telegram-sender.js';
import { startDeadlinesWorker } from '../workers/deadlines.worker.js';
import { startDeliveryWorker } from '../workers/delivery.worker.js';
import { startHousekeeping } from '../workers/housekeeping.worker.js';
import { startOutreach } from '../workers/outreach.worker.js';
import { startRoutingWorker } from '../workers/routing.worker.js';
import type { PipelineStarted, StartOptions } from './started.js';

// The worker and relay roles: BullMQ and every worker are loaded only by processes that run them (app.ts
// imports this module on demand), so a bot process starts without them.

/**
 * What the delivery worker can send: each feature's notification kinds with their renderers. Delivery
 * itself knows none of them; a kind nobody registers is recorded as failed when it comes to be sent.
 */
export function createAppNotifications(options: { psyVideoLinkTemplate?: string } = {}) {
  return createNotificationRegistry([
    createRoutingNotifications({ toldReassignedTo: toldFamilyReassignedTo }),
    attachmentNotifications,
    relayNotifications,
    deadlineNotifications,
    supervisionNotifications,
    erasureNotifications,
    retractionNotifications,
    supportMeasuresNotifications,
    checkInNotifications,
    announcementNotifications,
    createPsychologistNotifications({
      linkTemplate: options.psyVideoLinkTemplate ?? DEFAULT_PSY_VIDEO_LINK_TEMPLATE,
    }),
  ]);
}

type OpenQueues = Awaited<ReturnType<typeof openQueues>>;

/**
 * The producers' Redis connection, the routing and deadline queues, the delivery lanes and the deadline
 * scheduler, shared by workers and relay.
 */
export async function openQueues(started: PipelineStarted) {
  const { config, container, metrics } = started;
  const { logger, db } = container;
  const producerConnection = createProducerConnection(config.redisUrl, 'patronazh-producer');
  producerConnection.on('error', (error) => logger.warn({ err: error }, 'producer redis connection error'));
  started.redisConnections.push(producerConnection);
  const openQueue = (name: string) => {
    const queue = new Queue(name, { connection: producerConnection, prefix: config.redisPrefix });
    queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'queue error'));
    started.queues.push(queue);
    metrics.watchQueue(queue);
    return queue;
  };
  const routingQueue = openQueue(queueNames.routing);
  const deadlinesQueue = openQueue(queueNames.deadlines);
  await Promise.all([routingQueue.waitUntilReady(), deadlinesQueue.waitUntilReady()]);
  const notifications = createAppNotifications({ psyVideoLinkTemplate: config.psyVideoLinkTemplate });
  // The lanes and the worker's send slots use the process's shared client (container.ts), whose commands
  // issued in one turn of the event loop share a socket write: a batched turn's takes, slots and
  // finishes each went as a write of their own on the producers' connection (BullMQ's, not pipelined).
  const lanes = createDeliveryLanes({
    redis: container.redis,
    prefix: config.redisPrefix,
    db,
    sendClassOf: notifications.sendClassOf,
  });
  metrics.watchLanes(lanes);
  const deadlines = createDeadlineScheduler({
    db,
    queue: deadlinesQueue,
    policies: config.deadlinePolicies,
    logger,
  });
  // Consultation reminders ride the deadlines queue and are rebuilt with its timers after a wipe.
  const consultations = createConsultationTimers({ db, queue: deadlinesQueue });
  return { producerConnection, routingQueue, deadlinesQueue, deadlines, consultations, notifications, lanes };
}

/** The worker role: housekeeping, routing, delivery and deadlines workers on a connection of their own. */
export async function startWorkers(started: PipelineStarted, queues: OpenQueues) {
  const { config, container, metrics, database } = started;
  const { logger, db } = container;
  const { lanes, deadlines } = queues;
  const connection = createWorkerConnection(config.redisUrl, 'patronazh-worker');
  connection.on('error', (error) => logger.warn({ err: error }, 'worker redis connection error'));
  started.redisConnections.push(connection);
  const prefix = config.redisPrefix;
  const housekeeping = await startHousekeeping({ db, logger, connection, prefix });
  started.queues.push(housekeeping.queue);
  const routing = startRoutingWorker({
    db,
    database,
    lanes,
    deadlines,
    consultations: queues.consultations,
    timeZone: config.timeZone,
    logger,
    connection,
    prefix,
  });
  const delivery = startDeliveryWorker({
    db,
    database,
    i18n: container.i18n,
    timeZone: config.timeZone,
    notifications: queues.notifications,
    sender: createTelegramSender({ token: config.botToken, apiRoot: config.telegramApiRoot }),
    slots: createSendSlots({
      redis: container.redis,
      prefix,
      limits: sendLimitsFor(config.sendLimits),
    }),
    lanes,
    metrics,
    logger,
    unrecorded: createUnrecordedSends({ redis: container.redis, prefix, logger }),
  });
  started.dispatchers.push(delivery);
  // The senders' progress messages, edited every ~10 s while an announcement goes out.
  started.dispatchers.push(startAnnouncementProgress({ db, lanes, logger }));
  const deadlinesWorker = startDeadlinesWorker({
    db,
    database,
    policies: config.deadlinePolicies,
    lanes,
    scheduler: deadlines,
    logger,
    connection,
    prefix,
  });
  const outreach = await startOutreach({
    db,
    lanes,
    logger,
    connection,
    database,
    prefix,
    timeZone: config.timeZone,
    checkInEveryWeeks: config.checkInEveryWeeks,
  });
  started.queues.push(outreach.queue);
  for (const worker of [housekeeping.worker, routing, deadlinesWorker, outreach.worker]) {
    metrics.watchWorker(worker);
    started.workers.push(worker);
  }
}

/** The relay role: the outbox relay, the reconciler of routing jobs and delivery lanes, and that of deadline jobs. */
export async function startRelay(started: PipelineStarted, queues: OpenQueues, options: StartOptions) {
  const { config, container, metrics, database } = started;
  const { logger, db } = container;
  const relay = createOutboxRelay({
    db,
    sql: container.sql,
    routingQueue: queues.routingQueue,
    logger,
    metrics,
    pollIntervalMs: options.relayPollIntervalMs,
    database,
    // In a process that also runs the delivery dispatcher (one process, or relay and workers together), a
    // relayed message's copies are made by the relay in the transaction that dispatches its event: no routing
    // job, and adding them to their lanes wakes the dispatcher here. A relay process of its own leaves them
    // to the workers' routing job, whose add wakes their dispatcher at once (this process's would wait for
    // its next look at the lanes).
    ...(started.dispatchers.length > 0
      ? {
          inline: {
            route: routeRelayedEventsIn,
            lanes: queues.lanes,
          },
        }
      : {}),
  });
  started.relay = relay;
  await relay.start();
  const reconciler = createReconciler({
    db,
    relay,
    routingQueue: queues.routingQueue,
    lanes: queues.lanes,
    logger,
    intervalMs: options.reconcileIntervalMs,
    database,
  });
  started.reconciler = reconciler;
  await reconciler.start();
  kickOnRecovery(started, reconciler, queues.producerConnection);
  const deadlinesReconciler = createDeadlinesReconciler({
    db,
    queue: queues.deadlinesQueue,
    // The shared auto-pipelining client: the wipe check's SET goes in one write with the parked updates'
    // look, on the same one-second beat (beat.ts).
    redis: container.redis,
    prefix: config.redisPrefix,
    scheduler: queues.deadlines,
    policies: config.deadlinePolicies,
    logger,
    sweepIntervalMs: options.reconcileIntervalMs,
    repairs: createDeadlineRepairsCounter(metrics.registry),
    // The same wipe empties the delivery lanes: rebuild them now, not at the next 30 s pass.
    onWipe: () => Promise.all([reconciler.reconcileOnce(), queues.consultations.rebuildAll()]),
  });
  started.deadlinesReconciler = deadlinesReconciler;
  await deadlinesReconciler.start();
}

/**
 * Back from an outage: queue what piled up now, not at the next periodic pass. PostgreSQL: the outbox rows
 * written meanwhile and the notifications whose jobs gave up; Redis: the jobs that could not be added while
 * it was away.
 */
function kickOnRecovery(
  started: PipelineStarted,
  reconciler: Reconciler,
  producerConnection: OpenQueues['producerConnection'],
) {
  started.database?.onBack(() => void reconciler.kick());
  let redisWasAway = false;
  producerConnection.on('close', () => {
    redisWasAway = true;
  });
  producerConnection.on('ready', () => {
    if (!redisWasAway) return;
    redisWasAway = false;
    started.container.logger.info('Redis is reachable again: queueing what waited in PostgreSQL');
    void reconciler.kick();
  });
}
