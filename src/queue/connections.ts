import { Redis, type RedisOptions } from 'ioredis';

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
