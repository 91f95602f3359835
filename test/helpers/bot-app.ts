import { type RunningApp, startApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testConfig } from './env.js';

/**
 * The bot role in this process against an in-process emulator, with its own Redis prefix; plus a database
 * handle for assertions. `restart()` stops the bot and starts a new one on the same prefix (dialogue state
 * in Redis must carry over).
 */
export async function startBotWithEmulator(
  overrides: Record<string, string> = {},
  options: {
    /** A proxy between the bot and the emulator (e.g. startBotApiRecorder), given the emulator's URL. */
    via?: (emulatorUrl: string) => Promise<{ url: string; close(): Promise<void> }>;
  } = {},
) {
  const emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
  await emulator.start();
  const proxy = options.via ? await options.via(emulator.url) : undefined;
  const config = testConfig({
    TELEGRAM_API_ROOT: proxy?.url ?? emulator.url,
    REDIS_PREFIX: freshRedisPrefix(),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info') ?? 'silent' });
  let app: RunningApp = await startApp(config, { role: 'bot', logger });
  const { db, sql } = createDb(config.databaseUrl, { max: 2 });
  return {
    emulator,
    config,
    db,
    async restart() {
      await app.stop();
      app = await startApp(config, { role: 'bot', logger });
    },
    async stop() {
      await app.stop();
      await proxy?.close();
      await emulator.stop();
      await sql.end({ timeout: 5 });
    },
  };
}

export type BotUnderTest = Awaited<ReturnType<typeof startBotWithEmulator>>;
