import { type Config, createConfig } from '../../src/config.js';

export const TEST_BOT_TOKEN = '7000000001:TEST-token-for-the-emulator';
export const TEST_BOT_USERNAME = 'patronazh_test_bot';

/** Environment for a service under test: the per-file database and Redis, the given API root. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    BOT_TOKEN: TEST_BOT_TOKEN,
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL!,
    REDIS_PREFIX: process.env.REDIS_PREFIX!,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    // The monitoring site of a role `all` under test: any free port, never the default one of another test.
    WEB_PORT: '0',
    LOG_LEVEL: 'info',
    // Generous: test machines are shared and loaded; the tests check the order, not the speed.
    SHUTDOWN_TIMEOUT_MS: '20000',
    // Tests drive dialogues much faster than a person can (property tests send hundreds of answers); the
    // flood limit itself is tested with its production value (test/e2e/intake-flood.test.ts).
    FLOOD_LIMIT: '1000',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return createConfig(testEnv(overrides));
}

let prefixSerial = 0;

/**
 * A Redis key prefix no other service in this test file has used. Each emulator numbers updates from 1, so
 * two services started one after another would otherwise take the second one's updates for duplicates.
 */
export function freshRedisPrefix(): string {
  prefixSerial += 1;
  return `${process.env.REDIS_PREFIX}_${prefixSerial}`;
}
