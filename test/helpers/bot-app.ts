import { type RunningApp, startApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { languages } from '../../src/db/schema/enums.js';
import { createI18n } from '../../src/i18n.js';
import { createLogger } from '../../src/logger.js';
import { type RateLimits, telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testConfig } from './env.js';

type Emulator = ReturnType<typeof createEmulator>;

/**
 * Watches every chat for the bot's failure replies (the generic error, «ваш ответ не получилось
 * обработать»): a failure a test did not mean to cause is a bug even when the test's own assertions pass.
 * `check()` throws if any chat got one; call it when the file ends.
 */
export function watchForFailureReplies(emulator: Emulator) {
  const i18n = createI18n();
  const texts = new Set(
    languages.flatMap((language) => {
      const t = i18n.forLanguage(language);
      return [t('error-generic'), t('dialogue-failed-ask-again')];
    }),
  );
  const seen: string[] = [];
  const off = emulator.onEvent((event) => {
    if (event.type === 'message' && event.message.from?.is_bot && texts.has(event.message.text ?? '')) {
      seen.push(`chat ${event.chatId}: «${event.message.text}»`);
    }
  });
  return {
    /** Stops watching; throws if any chat got a failure reply. */
    check() {
      off();
      if (seen.length > 0) throw new Error(`the bot answered with a failure reply: ${seen.join('; ')}`);
    },
  };
}

/**
 * The bot role in this process against an in-process emulator, with its own Redis prefix; plus a database
 * handle for assertions. `restart()` stops the bot and starts a new one on the same prefix (dialogue state
 * in Redis must carry over). The emulator enforces Telegram's limits (README, «Emulator») unless the test
 * says otherwise, and `stop()` fails the file if any chat got a failure reply it did not allow.
 */
export async function startBotWithEmulator(
  overrides: Record<string, string> = {},
  options: {
    /** A proxy between the bot and the emulator (e.g. startBotApiRecorder), given the emulator's URL. */
    via?: (emulatorUrl: string) => Promise<{ url: string; close(): Promise<void> }>;
    /** Default: Telegram's limits as the emulator defines them. */
    limits?: RateLimits | false;
    /** The test causes failures on purpose: failure replies are expected. */
    allowFailureReplies?: boolean;
  } = {},
) {
  const emulator = createEmulator({
    token: TEST_BOT_TOKEN,
    botUsername: TEST_BOT_USERNAME,
    limits: options.limits ?? telegramRateLimits,
  });
  const failures = options.allowFailureReplies ? undefined : watchForFailureReplies(emulator);
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
      // What the tests did is judged before the shutdown: a reply cut off by the shutdown itself (an update
      // still being handled when the test ended) is not what the test is about.
      let failed: unknown;
      try {
        failures?.check();
      } catch (error) {
        failed = error;
      }
      await app.stop();
      await proxy?.close();
      await emulator.stop();
      await sql.end({ timeout: 5 });
      if (failed) throw failed;
    },
  };
}

export type BotUnderTest = Awaited<ReturnType<typeof startBotWithEmulator>>;
