import { Queue, Worker } from 'bullmq';
import { and, isNull, lt } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import { familyInvites, staffInvites } from '../db/schema/index.js';
import type { Logger } from '../logger.js';
import { WORKER_DRAIN_DELAY_S } from '../queue/connections.js';
import { queueNames } from '../queue/names.js';

const RETENTION_DAYS = 30;

/** Deletes invites that expired unused more than 30 days ago: their hashes serve no one any more. */
export async function purgeExpiredInvites(db: Db, now = new Date()) {
  const cutoff = new Date(now.getTime() - RETENTION_DAYS * 86_400_000);
  const staffRows = await db
    .delete(staffInvites)
    .where(and(isNull(staffInvites.usedAt), lt(staffInvites.expiresAt, cutoff)))
    .returning({ id: staffInvites.id });
  const familyRows = await db
    .delete(familyInvites)
    .where(and(isNull(familyInvites.usedAt), lt(familyInvites.expiresAt, cutoff)))
    .returning({ id: familyInvites.id });
  return { staffInvites: staffRows.length, familyInvites: familyRows.length };
}

export async function startHousekeeping(deps: {
  db: Db;
  logger: Logger;
  connection: Redis;
  prefix?: string;
}) {
  const queue = new Queue(queueNames.housekeeping, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (error) => deps.logger.warn({ err: error }, 'housekeeping queue error'));
  // A job scheduler is idempotent by id: every process may upsert it, one schedule exists.
  await queue.upsertJobScheduler(
    'purge-expired-invites',
    { every: 3_600_000 },
    { name: 'purge-expired-invites' },
  );
  const worker = new Worker(
    queueNames.housekeeping,
    async () => {
      const purged = await purgeExpiredInvites(deps.db);
      deps.logger.info(purged, 'expired invites purged');
      return purged;
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1, drainDelay: WORKER_DRAIN_DELAY_S },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'housekeeping worker error'));
  return { queue, worker };
}
