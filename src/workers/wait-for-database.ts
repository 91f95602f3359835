import type { Job } from 'bullmq';
import { type DatabaseWatch, isDatabaseOutage } from '../db/database-outage.js';

type Processor<R> = (job: Job, token?: string) => Promise<R>;

/**
 * A job that meets a PostgreSQL outage does not spend its attempts on it: it waits in hand (the worker keeps
 * its lock in Redis) until this process finds the database answering again, then runs once more from the
 * start — every processor reads its state from PostgreSQL first, so that is safe. Without this a stop longer
 * than the job's backoff (delivery: 2 + 4 s) used the job up, and its notification waited for the
 * reconciler's next pass, up to 30 s after the database was back. When the process shuts down the job fails
 * as before and is retried from Redis or rebuilt from PostgreSQL.
 */
export function withDatabaseWait<R>(processor: Processor<R>, database?: DatabaseWatch): Processor<R> {
  if (!database) return processor;
  return async (job, token) => {
    for (;;) {
      try {
        return await processor(job, token);
      } catch (error) {
        if (!isDatabaseOutage(error) || database.isStopped()) throw error;
        database.markDown();
        await database.whenUp();
        if (database.isStopped()) throw error;
      }
    }
  };
}
