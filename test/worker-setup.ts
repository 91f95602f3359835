import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { killSpawnedGroups } from './helpers/spawn.js';

/**
 * Per test file: a fresh database cloned from the migrated template, and a Redis key prefix of its own.
 * Tests read DATABASE_URL, REDIS_URL and REDIS_PREFIX from the environment set here.
 */
const runId = inject('runId');
const adminUrl = inject('adminUrl');
const poolId = process.env.VITEST_POOL_ID ?? '1';
const fileSerial = `${process.pid}`;
const databaseName = `patronazh_test_${runId}_${poolId}_${fileSerial}`;

const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${databaseName}`;
process.env.DATABASE_URL = databaseUrl.toString();
process.env.REDIS_URL = inject('redisUrl');
process.env.REDIS_PREFIX = `t${runId}_${poolId}_${fileSerial}`;

beforeAll(async () => {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
    await admin.unsafe(`create database ${databaseName} template ${inject('templateDatabase')}`);
  } finally {
    await admin.end();
  }
});

// Whatever a test file spawned and did not stop (a failed test, a timeout) ends with the file.
afterAll(killSpawnedGroups);
