import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { createProducerConnection } from '../queue/connections.js';
import { queueNames } from '../queue/names.js';
import { createWebServer } from '../web/server.js';
import type { Started } from './started.js';

/**
 * The web role: the monitoring site on WEB_HOST:WEB_PORT. It reads PostgreSQL through the container and
 * opens the BullMQ queues (on a connection of its own) only so that Bull Board can show them to admins.
 */
export async function startWeb(started: Started) {
  const { config, container } = started;
  const { logger, db, i18n } = container;
  const connection = createProducerConnection(config.redisUrl, 'patronazh-web');
  connection.on('error', (error) => logger.warn({ err: error }, 'web redis connection error'));
  started.redisConnections.push(connection);
  const queues = Object.values(queueNames).map((name) => {
    const queue = new Queue(name, { connection, prefix: config.redisPrefix });
    queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'queue error'));
    started.queues.push(queue);
    return queue;
  });
  const app = await createWebServer({ config, db, i18n, logger, queues, redis: connection });
  await app.listen({ port: config.web.port, host: config.web.host });
  const port = (app.server.address() as AddressInfo).port;
  started.web = { port, close: () => app.close() };
}
