import { Redis } from 'ioredis';

/** Bytes Redis reports for every key under `prefix` (MEMORY USAGE, pipelined), and how many keys. */
export async function prefixMemory(
  redisUrl: string,
  prefix: string,
): Promise<{ keys: number; bytes: number }> {
  const redis = new Redis(redisUrl);
  let keys = 0;
  let bytes = 0;
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
      cursor = next;
      if (found.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const key of found) pipeline.memory('USAGE', key);
      const results = (await pipeline.exec()) ?? [];
      keys += found.length;
      for (const [, value] of results) bytes += Number(value ?? 0);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, bytes };
}

/** The Redis server's used_memory (all databases), in bytes. */
export async function usedMemory(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    const info = await redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
  } finally {
    redis.disconnect();
  }
}
