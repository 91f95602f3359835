import { Redis, type RedisOptions } from 'ioredis';

/**
 * How long (seconds) an idle BullMQ worker's blocking read waits before it asks again (BullMQ's default: 5).
 * A job added wakes the read at once, and a delayed job's time is known from its marker (BullMQ then blocks
 * until it, at most 10 s), so this bounds only the idle round trips: each wait that runs out costs a
 * `BZPOPMIN` and a `moveToActive` script. 10 s is the longest BullMQ itself blocks (a longer read risks
 * trouble on reconnection, BullMQ #1658).
 */
export const WORKER_DRAIN_DELAY_S = 10;

/** Workers block on Redis: BullMQ requires `maxRetriesPerRequest: null` for their connections. */
export function createWorkerConnection(redisUrl: string, name: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: name });
}

/** Producers should fail fast instead of buffering jobs in memory while Redis is away. */
export function createProducerConnection(redisUrl: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: name,
    ...extra,
  });
}
