import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../src/db/migrate.js';
import { chromiumPath } from './helpers/sandbox-browser.js';

/**
 * Migrates once into a template database; every test file then gets a fresh clone of it (worker-setup.ts),
 * so files run in parallel against a real PostgreSQL without seeing each other's rows. Names carry a run id,
 * so two test runs on one machine (two developers, or CI beside a developer) never touch each other.
 */
const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
    templateDatabase: string;
    adminUrl: string;
    redisUrl: string;
  }
}

export default async function globalSetup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  const templateDatabase = `patronazh_test_${runId}_template`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${templateDatabase}`);
  const url = new URL(adminUrl);
  url.pathname = `/${templateDatabase}`;
  await runMigrations(url.toString());
  // Unpack the npm-shipped Chromium once, here, rather than in two test files racing each other.
  await chromiumPath();

  project.provide('runId', runId);
  project.provide('templateDatabase', templateDatabase);
  project.provide('adminUrl', adminUrl);
  project.provide('redisUrl', redisUrl);

  return async () => {
    const databases = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`patronazh_test_${runId}_%`}`;
    for (const { datname } of databases)
      await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `t${runId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  };
}
