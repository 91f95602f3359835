import { autoRetry } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { type Language, languages } from '../db/schema/enums.js';
import { createStaffInviteComposer } from '../features/staff/staff.composer.js';
import { createStartComposer } from '../features/start/start.composer.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { BotContext } from './context.js';
import { handleBotError } from './error-handler.js';
import { createUpdateDeduplicator } from './middlewares/deduplicate-updates.js';

export interface CreateBotDeps {
  db: Db;
  logger: Logger;
  i18n: I18n;
  redis: Redis;
  /** Known bot identity (tests, or a cached getMe); otherwise `bot.init()` asks Telegram. */
  botInfo?: UserFromGetMe;
}

function pickLanguage(code: string | undefined): Language {
  const short = code?.slice(0, 2);
  return (languages as readonly string[]).includes(short ?? '') ? (short as Language) : 'ru';
}

/** Assembles the bot: dependencies first, features in a fixed order, the error boundary around all. */
export function createBot(config: Config, deps: CreateBotDeps) {
  const bot = new Bot<BotContext>(config.botToken, {
    botInfo: deps.botInfo,
    client: { apiRoot: config.telegramApiRoot },
  });
  // Direct replies inside a dialogue may meet a 429 or a network blip; wait and retry rather than fail.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  const deduplicator = createUpdateDeduplicator({
    redis: deps.redis,
    prefix: config.redisPrefix,
    logger: deps.logger,
  });
  bot.use(async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (!(await deduplicator.claim(ctx.me.id, updateId))) {
      deps.logger.info({ updateId }, 'duplicate update skipped');
      return;
    }
    try {
      await next();
    } catch (error) {
      await deduplicator.release(ctx.me.id, updateId);
      throw error;
    }
  });

  bot.use(async (ctx, next) => {
    ctx.deps = { config, db: deps.db, logger: deps.logger };
    ctx.log = deps.logger.child({ updateId: ctx.update.update_id });
    ctx.language = pickLanguage(ctx.from?.language_code);
    ctx.t = deps.i18n.forLanguage(ctx.language);
    await next();
  });

  const features = bot.errorBoundary(handleBotError);
  features.use(createStaffInviteComposer());
  features.use(createStartComposer());

  bot.catch((error) => handleBotError(error));
  return bot;
}

export type PatronazhBot = ReturnType<typeof createBot>;
