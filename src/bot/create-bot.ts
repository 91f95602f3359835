import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Middleware } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createDatabaseWatch } from '../db/database-outage.js';
import { type Language, languages } from '../db/schema/enums.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import { createTelegramFetch } from '../telegram/api-fetch.js';
import { createSendSlots } from '../telegram/send-slots.js';
import type { BotContext, ContextExtras, CurrentMember, DialogueContext } from './context.js';
import { leaveDialogueOnEscape } from './dialogue/escape.js';
import { createDialogueExtras } from './dialogue/extras.js';
import { startDialogueIdleCloser } from './dialogue/idle-closer.js';
import { createDialogueStorage } from './dialogue/storage.js';
import { handleBotError } from './error-handler.js';
import { createInFlightUpdates } from './in-flight.js';
import { createFloodGuard } from './intake/flood-guard.js';
import { createUpdateParking } from './intake/update-parking.js';
import { createUpdateDeduplicator } from './middlewares/deduplicate-updates.js';
import { normalizeInput } from './middlewares/normalize-input.js';
import { chatTurnKey, createChatSerializer } from './middlewares/serialize-chat.js';

export interface CreateBotDeps {
  db: Db;
  logger: Logger;
  i18n: I18n;
  redis: Redis;
  /** Known bot identity (tests, or a cached getMe); otherwise `bot.init()` asks Telegram. */
  botInfo?: UserFromGetMe;
  /**
   * The features' composers, in the order they take updates (the composition root lists them, so bot/
   * knows no feature). They run inside the error boundary, after the dialogues plugin and the escape.
   */
  features: readonly Middleware<BotContext>[];
  /** The registered family member behind a Telegram id, looked up once per update (not erased). */
  findMember: (db: Db, telegramId: number) => Promise<CurrentMember | undefined>;
}

function pickLanguage(code: string | undefined): Language {
  const short = code?.slice(0, 2);
  return (languages as readonly string[]).includes(short ?? '') ? (short as Language) : 'ru';
}

/** How often each bot process looks for abandoned dialogues: a quarter of the idle time, 0.25–60 s. */
function idleSweepIntervalMs(idleMs: number): number {
  return Math.min(60_000, Math.max(250, Math.floor(idleMs / 4)));
}

/** Assembles the bot: dependencies first, features in a fixed order, the error boundary around all. */
export function createBot(config: Config, deps: CreateBotDeps) {
  // Every reply, also inside a dialogue (the conversations plugin builds its Api from these client options),
  // takes its turn in the send budget shared with the delivery worker, ahead of the worker's notices, and
  // waits out a 429 for its retry_after (api-fetch.ts, send-slots.ts).
  const slots = createSendSlots({ redis: deps.redis, prefix: config.redisPrefix });
  const bot = new Bot<BotContext>(config.botToken, {
    botInfo: deps.botInfo,
    client: {
      apiRoot: config.telegramApiRoot,
      fetch: createTelegramFetch({ slots, sendClass: 'interactive', logger: deps.logger }),
    },
  });
  // First of all: the shutdown waits for the updates in hand (in-flight.ts).
  const inFlight = createInFlightUpdates();
  bot.use(inFlight.middleware);
  // Outside dialogues, a network blip or a 5xx is tried again too (a file upload's 429 as well).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  const database = createDatabaseWatch({ db: deps.db, logger: deps.logger });
  const parking = createUpdateParking({
    redis: deps.redis,
    prefix: config.redisPrefix,
    logger: deps.logger,
    database,
    i18n: deps.i18n,
    api: bot.api,
  });
  const deduplicator = createUpdateDeduplicator({
    redis: deps.redis,
    prefix: config.redisPrefix,
    logger: deps.logger,
  });
  const replay = (update: Update) => bot.handleUpdate(update);
  // First of all, the per-person flood limit and the chat's queue: an update over the limit, or one whose
  // chat already has an update in hand, is answered at once, so it never holds a webhook connection that
  // another family's update needs while it waits for its chat's turn (flood-guard.ts).
  bot.use(
    createFloodGuard({
      redis: deps.redis,
      prefix: config.redisPrefix,
      logger: deps.logger,
      i18n: deps.i18n,
      languageOf: (ctx) => pickLanguage(ctx.from?.language_code),
      // Kept updates handed back were counted, and claimed, when they arrived.
      exempt: (ctx) => parking.isReplay(ctx.update),
      keptKey: parking.listKey,
      turnKey: (chatId) => chatTurnKey(config.redisPrefix, chatId),
      keepBehind: async (ctx, chatId) => {
        if (!(await deduplicator.claim(ctx.me.id, ctx.update.update_id))) {
          deps.logger.info({ updateId: ctx.update.update_id }, 'duplicate update skipped');
          return;
        }
        await parking.keepBehind(ctx, chatId).catch(async (error: unknown) => {
          await deduplicator.release(ctx.me.id, ctx.update.update_id);
          throw error;
        });
      },
      drainChat: (chatId) => inFlight.track(parking.drainChatIfKept(chatId, replay)),
      limit: config.flood.limit,
      windowMs: config.flood.windowMs,
    }),
  );
  // Before anything reads a text: controls, bidi and zero-width characters dropped, NFC (normalize-input.ts).
  // After the flood guard, which reads no text: a flood's excess is not worth normalising.
  bot.use(normalizeInput);
  // Updates of one chat in order within this process, then one at a time across processes (see
  // serialize-chat.ts): a dialogue must never see two of its steps at once.
  bot.use(sequentialize((ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined)));
  bot.use(async (ctx, next) => {
    const updateId = ctx.update.update_id;
    // A kept update being handled again was claimed when it first arrived.
    if (parking.isReplay(ctx.update)) return next();
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

  const runSerialized = createChatSerializer({
    redis: deps.redis,
    prefix: config.redisPrefix,
    logger: deps.logger,
  });
  bot.use((ctx, next) => (ctx.chat?.type === 'private' ? runSerialized(ctx.chat.id, next) : next()));
  // Inside the chat's turn, before anything reads PostgreSQL: updates that meet an outage are kept, not lost.
  bot.use(parking.middleware);
  const draining = parking.startDraining(replay, {
    ready: () => bot.isInited(),
    track: inFlight.track,
  });
  deps.redis.once('end', () => {
    draining.stop();
    database.stop();
  });

  const botDeps = { config, db: deps.db, logger: deps.logger, i18n: deps.i18n, redis: deps.redis };
  const dialogueExtras = createDialogueExtras();
  bot.use(async (ctx, next) => {
    const log = deps.logger.child({ updateId: ctx.update.update_id });
    // The registered member's stored language wins over Telegram's, for every text to this person.
    const member =
      ctx.from && ctx.chat?.type === 'private' ? await deps.findMember(deps.db, ctx.from.id) : undefined;
    const language = member?.language ?? pickLanguage(ctx.from?.language_code);
    const extras: ContextExtras = {
      deps: botDeps,
      log,
      language,
      t: deps.i18n.forLanguage(language),
      member,
      dialogueTurn: {},
    };
    Object.assign(ctx, extras);
    await dialogueExtras.provide(extras, next);
  });

  const idleMs = Math.round(config.dialogueIdleHours * 3_600_000);
  startDialogueIdleCloser({
    redis: deps.redis,
    prefix: config.redisPrefix,
    api: bot.api,
    db: deps.db,
    i18n: deps.i18n,
    logger: deps.logger,
    intervalMs: idleSweepIntervalMs(idleMs),
  });

  const features = bot.errorBoundary(handleBotError);
  features.use(
    conversations<BotContext, DialogueContext>({
      storage: createDialogueStorage({ redis: deps.redis, prefix: config.redisPrefix, idleMs }),
      // Contexts made by the conversations plugin get the same deps, log, language, t and member.
      plugins: [dialogueExtras.install],
    }),
  );
  // A failure anywhere below leaves the dialogue as it was before this update (storage.ts, error-handler.ts).
  features.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      ctx.dialogueTurn.failed = true;
      throw error;
    }
  });
  features.use(leaveDialogueOnEscape);
  for (const feature of deps.features) features.use(feature);

  bot.catch((error) => handleBotError(error));
  // `database`: whether this process believes PostgreSQL answers (long polling holds its offset on it).
  return Object.assign(bot, {
    /** Kept updates are no longer handed back here: at shutdown, before `updatesSettled`. */
    stopDraining: draining.stop,
    updatesSettled: inFlight.settled,
    database,
  });
}

export type PatronazhBot = ReturnType<typeof createBot>;
