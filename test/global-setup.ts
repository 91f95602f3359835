import postgres from 'postgres';
import { runMigrations } from '../src/db/migrate.js';

/**
 * Migrates once into a template database; every test file then gets a fresh clone of it (worker-setup.ts),
 * so files run in parallel against a real PostgreSQL without seeing each other's rows.
 */
export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEMPLATE_DB = 'patronazh_test_template';

export default async function globalSetup() {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${TEMPLATE_DB}`;
  await runMigrations(url.toString());
}
