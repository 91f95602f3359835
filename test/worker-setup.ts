import { Redis } from 'ioredis';
import postgres from 'postgres';
import { beforeAll } from 'vitest';

/**
 * Per test file: a fresh database cloned from the migrated template, and a Redis database index of its own
 * per worker, flushed. Tests read DATABASE_URL and REDIS_URL from the environment set here.
 */
const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const poolId = Number(process.env.VITEST_POOL_ID ?? '1');
const databaseName = `patronazh_test_${poolId}`;

const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${databaseName}`;
process.env.DATABASE_URL = databaseUrl.toString();
// Index 0 is left for people running the service on this machine.
process.env.REDIS_URL = `redis://127.0.0.1:6379/${1 + (poolId % 15)}`;

beforeAll(async () => {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
    await admin.unsafe(`create database ${databaseName} template patronazh_test_template`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
});
