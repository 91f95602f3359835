import { createDatabaseConfig, loadConfigOrExit, loadDotEnv } from '../config.js';
import { runMigrations } from './migrate.js';

loadDotEnv();
const { databaseUrl } = loadConfigOrExit(process.env, createDatabaseConfig);
try {
  await runMigrations(databaseUrl);
  process.stdout.write('Database is up to date.\n');
} catch (error) {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
