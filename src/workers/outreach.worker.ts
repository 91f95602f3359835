import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import { followUpSilentCheckIns, planCheckIns } from '../features/check-ins/index.js';
import type { DeliveryLanes } from '../features/delivery/index.js';
import { offerNewlyEligibleMeasures } from '../features/support-measures/index.js';
import type { Logger } from '../logger.js';
import { WORKER_DRAIN_DELAY_S } from '../queue/connections.js';
import { queueNames } from '../queue/names.js';
import { regionDate } from '../time.js';
import { withDatabaseWait } from './wait-for-database.js';

/** Every 5 minutes: the check-ins whose minute of the day has come, and the 7-day follow-ups. */
const CHECK_IN_EVERY_MS = 5 * 60_000;

/**
 * Reaching families before they ask. `check-ins`: «Как у вас дела?» and «не отвечает — позвоните».
 * `measure-offers`: once a day at 11:00 in the region, the measures families have newly become eligible
 * for. A daily pass, not a hook on passport edits: what changes most is age (a child turns 7 with no edit
 * at all), a day's delay costs nothing, and the offer arrives in the daytime. Both read PostgreSQL and
 * write notifications in one transaction per family, so a job lost with Redis is simply the next run's.
 */
export async function startOutreach(deps: {
  db: Db;
  lanes: DeliveryLanes;
  logger: Logger;
  connection: Redis;
  database?: DatabaseWatch;
  prefix: string;
  timeZone: string;
  checkInEveryWeeks: number;
}) {
  const queue = new Queue(queueNames.outreach, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (error) => deps.logger.warn({ err: error }, 'outreach queue error'));
  // Job schedulers are idempotent by id: every worker process may upsert them, one schedule exists.
  await queue.upsertJobScheduler('check-ins', { every: CHECK_IN_EVERY_MS }, { name: 'check-ins' });
  await queue.upsertJobScheduler(
    'measure-offers',
    { pattern: '0 11 * * *', tz: deps.timeZone },
    { name: 'measure-offers' },
  );
  const processor = withDatabaseWait(async (job: { name: string }) => {
    const now = new Date();
    if (job.name === 'measure-offers') {
      const made = await offerNewlyEligibleMeasures({ db: deps.db, today: regionDate(now, deps.timeZone) });
      await deps.lanes.add(made);
      deps.logger.info({ notifications: made.length }, 'support measures offered');
      return { notifications: made.length };
    }
    const asked = await planCheckIns({
      db: deps.db,
      now,
      timeZone: deps.timeZone,
      everyWeeks: deps.checkInEveryWeeks,
    });
    const followUps = await followUpSilentCheckIns({ db: deps.db, now });
    await deps.lanes.add([...asked, ...followUps]);
    deps.logger.info({ asked: asked.length, followUps: followUps.length }, 'check-ins');
    return { asked: asked.length, followUps: followUps.length };
  }, deps.database);
  const worker = new Worker(queueNames.outreach, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 1,
    drainDelay: WORKER_DRAIN_DELAY_S,
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'outreach worker error'));
  return { queue, worker };
}
