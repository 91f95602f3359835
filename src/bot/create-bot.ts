import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, BotError, type Middleware } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import nodeFetch from 'node-fetch';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createDatabaseWatch } from '../db/database-outage.js';
import { type Language, languages } from '../db/schema/enums.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import { createTelegramFetch } from '../telegram/api-fetch.js';
import { forgiveLatePressAnswers } from '../telegram/late-press-answers.js';
import { createLeanFetch } from '../telegram/lean-fetch.js';
import { createSendSlots, sendLimitsFor } from '../telegram/send-slots.js';
import { Composer } from './composer.js';
import type { BotContext, ContextExtras, DialogueContext, Sender } from './context.js';
import { reenterFromDraft } from './dialogue/checkpoints.js';
import {
  createDraftsRepository,
  type DraftsSeen,
  draftsUnknown,
  sawDraftsErased,
} from './dialogue/drafts.js';
import { leaveDialogueOnEscape } from './dialogue/escape.js';
import { createDialogueExtras, type DialogueExtras } from './dialogue/extras.js';
import { startDialogueIdleCloser } from './dialogue/idle-closer.js';
import { createDialogueStorage, dialogueKeys } from './dialogue/storage.js';
import { handleBotError } from './error-handler.js';
import { createInFlightUpdates, type InFlightUpdates } from './in-flight.js';
import { createFloodGuard } from './intake/flood-guard.js';
import { createUpdateParking, type UpdateParking } from './intake/update-parking.js';
import {
  createUpdateDeduplicator,
  HOLD_MS,
  type UpdateDeduplicator,
  UpdateInProgressError,
} from './middlewares/deduplicate-updates.js';
import { normalizeInput } from './middlewares/normalize-input.js';
import { chatTurnKey, createChatTurns } from './middlewares/serialize-chat.js';

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
  /**
   * The registered family member behind a Telegram id (not erased) and their latest dialogue draft, looked
   * up once per update of a private chat, in one query.
   */
  findSender: (db: Db, telegramId: number) => Promise<Sender>;
}

function pickLanguage(code: string | undefined): Language {
  const short = code?.slice(0, 2);
  return (languages as readonly string[]).includes(short ?? '') ? (short as Language) : 'ru';
}

/** How often each bot process looks for abandoned dialogues: a quarter of the idle time, 0.25–60 s. */
function idleSweepIntervalMs(idleMs: number): number {
  return Math.min(60_000, Math.max(250, Math.floor(idleMs / 4)));
}

/** The bot's Telegram client: every call through the shared send budget, network blips tried again. */
function newBot(config: Config, deps: CreateBotDeps) {
  // Every reply, also inside a dialogue (the conversations plugin builds its Api from these client options),
  // takes its turn in the send budget shared with the delivery worker, ahead of the worker's notices, and
  // waits out a 429 for its retry_after (api-fetch.ts, send-slots.ts).
  const slots = createSendSlots({
    redis: deps.redis,
    prefix: config.redisPrefix,
    limits: sendLimitsFor(config.sendLimits),
  });
  const bot = new Bot<BotContext>(config.botToken, {
    botInfo: deps.botInfo,
    client: {
      apiRoot: config.telegramApiRoot,
      // A dialogue answer makes two or three JSON calls: each one keep-alive `http.request` (lean-fetch.ts);
      // file uploads go through node-fetch, as grammY itself sends them on Node.
      fetch: createTelegramFetch({
        slots,
        sendClass: 'interactive',
        logger: deps.logger,
        fetch: createLeanFetch(nodeFetch),
      }),
    },
  });
  // Outside dialogues, a network blip or a 5xx is tried again too (a file upload's 429 as well).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  bot.api.config.use(forgiveLatePressAnswers);
  return bot;
}

interface Intake {
  parking: UpdateParking;
  deduplicator: UpdateDeduplicator;
  inFlight: InFlightUpdates;
  replay: (update: Update) => Promise<void>;
}

/**
 * First of all, the per-person flood limit and the chat's queue: an update over the limit, or one whose chat
 * already has an update in hand, is answered at once, so it never holds a webhook connection that another
 * family's update needs while it waits for its chat's turn (flood-guard.ts).
 */
function floodGuard(
  config: Config,
  deps: CreateBotDeps,
  { parking, deduplicator, inFlight, replay }: Intake,
) {
  return createFloodGuard({
    redis: deps.redis,
    prefix: config.redisPrefix,
    logger: deps.logger,
    i18n: deps.i18n,
    languageOf: (ctx) => pickLanguage(ctx.from?.language_code),
    // Kept updates handed back were counted, and claimed, when they arrived.
    exempt: (ctx) => parking.isReplay(ctx.update),
    keptKey: parking.listKey,
    turnKey: (chatId) => chatTurnKey(config.redisPrefix, chatId),
    // Claimed in progress, then kept with the claim made done in one transaction: a process killed between
    // the two leaves a claim that expires, and the update's re-delivery is handled.
    keepBehind: async (ctx, chatId) => {
      const { me, update } = ctx;
      if ((await deduplicator.claim(me.id, update, randomBytes(8).toString('hex'))) === 'done') {
        deps.logger.info({ updateId: update.update_id }, 'duplicate update skipped');
        return;
      }
      await parking
        .keepBehind(ctx, chatId, (keep) => deduplicator.markDone(keep, me.id, update.update_id))
        .catch(async (error: unknown) => {
          await deduplicator.release(me.id, update.update_id);
          throw error;
        });
    },
    // The end of the chat's turn said whether anything was kept behind it (serialize-chat.ts).
    drainChat: async (chatId, ctx, keptHere) => {
      if (keptHere || ctx.chatTurn?.keptBehind !== false)
        await inFlight.track(parking.drainChatIfKept(chatId, replay));
    },
    limit: config.flood.limit,
    windowMs: config.flood.windowMs,
  });
}

/** From the flood guard to the chat's turn and the outage parking: what happens before a feature sees it. */
function useIntake(bot: Bot<BotContext>, config: Config, deps: CreateBotDeps, intake: Intake) {
  bot.use(floodGuard(config, deps, intake));
  // Before anything reads a text: controls, bidi and zero-width characters dropped, NFC (normalize-input.ts).
  // After the flood guard, which reads no text: a flood's excess is not worth normalising.
  bot.use(normalizeInput);
  // Updates of one chat in order within this process, then each claimed once and one at a time across
  // processes (see serialize-chat.ts): a dialogue must never see two of its steps at once.
  bot.use(sequentialize((ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined)));
  bot.use(
    createChatTurns({
      redis: deps.redis,
      prefix: config.redisPrefix,
      logger: deps.logger,
      deduplicator: intake.deduplicator,
      keptKey: intake.parking.listKey,
      // A kept update being handled again was claimed when it first arrived.
      claimedBefore: (ctx) => intake.parking.isReplay(ctx.update),
      // The dialogue's state comes with the chat's turn (storage.ts reads it from there).
      stateKey: (chatId) => dialogueKeys(config.redisPrefix).state(String(chatId)),
    }),
  );
  // Inside the chat's turn, before anything reads PostgreSQL: updates that meet an outage are kept, not lost.
  bot.use(intake.parking.middleware);
}

/** The update's extras (deps, log, language, t, member), for the features and, through `dialogueExtras`, dialogues. */
function useExtras(
  bot: Bot<BotContext>,
  config: Config,
  deps: CreateBotDeps,
  dialogueExtras: DialogueExtras,
) {
  const botDeps = { config, db: deps.db, logger: deps.logger, i18n: deps.i18n, redis: deps.redis };
  bot.use(async (ctx, next) => {
    // The update's logger, made when first used: most updates log nothing, and a pino child (its bindings
    // through the redaction) cost every update ~1 % of the bot's allocations.
    let log: Logger | undefined;
    // The registered member's stored language wins over Telegram's, for every text to this person.
    const sender =
      ctx.from && ctx.chat?.type === 'private' ? await deps.findSender(deps.db, ctx.from.id) : undefined;
    const member = sender?.member;
    const drafts: DraftsSeen = sender ? { known: true, latest: sender.latestDraft } : draftsUnknown();
    const language = member?.language ?? pickLanguage(ctx.from?.language_code);
    const extras: ContextExtras = {
      deps: botDeps,
      get log() {
        log ??= deps.logger.child({ updateId: ctx.update.update_id });
        return log;
      },
      language,
      t: deps.i18n.forLanguage(language),
      member,
      drafts,
      dialogueTurn: {},
    };
    // As they are: `log` stays a getter.
    Object.defineProperties(ctx, Object.getOwnPropertyDescriptors(extras));
    await dialogueExtras.provide(ctx, extras, next);
  });
}

/** The dialogues and the features, inside the error boundary. */
function useFeatures(
  bot: Bot<BotContext>,
  config: Config,
  deps: CreateBotDeps,
  { idleMs, dialogueExtras }: { idleMs: number; dialogueExtras: DialogueExtras },
) {
  // Ours (composer.ts): the steps below, and the features' handlers in theirs, without a closure per update each.
  const features = new Composer<BotContext>();
  bot.errorBoundary(handleBotError, features);
  features.use(
    conversations<BotContext, DialogueContext>({
      storage: createDialogueStorage({ redis: deps.redis, prefix: config.redisPrefix, idleMs }),
      // Contexts made by the conversations plugin get the same deps, log, language, t and member.
      plugins: [dialogueExtras.install],
      onEnter: (dialogue, ctx) => {
        ctx.dialogueTurn.entered = dialogue;
        // Entered, not started afresh from a stored state (continuation.ts): nothing was asked of this update.
        ctx.dialogueTurn.continuing = undefined;
      },
      // A dialogue left (an escape, «Прервать», too many wrong answers) takes its draft with it.
      onExit: async (dialogue, ctx) => {
        if (ctx.chat?.type === 'private' && ctx.from && !ctx.dialogueTurn.reenter) {
          await createDraftsRepository(deps.db).erase(ctx.from.id, [dialogue]);
          sawDraftsErased(ctx.drafts, [dialogue]);
        }
      },
    }),
  );
  // A failure anywhere below leaves the dialogue as it was before this update (storage.ts, error-handler.ts),
  // also one in a dialogue entered again from its draft after the answer was kept: its question is asked again.
  features.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      ctx.dialogueTurn.failed = true;
      // A request dialogue that went on after a kept answer (continuation.ts): its draft as it was, to match
      // the state kept, so that the answer given again is taken.
      await ctx.dialogueTurn.continuation
        ?.undo?.(ctx)
        .catch((failure: unknown) => ctx.log.warn({ err: failure }, 'could not put the draft back'));
      throw error;
    }
  });
  features.use(reenterFromDraft);
  features.use(leaveDialogueOnEscape);
  for (const feature of deps.features) features.use(feature);
}

/**
 * The updates a previous process had in hand when it died, journalled in Redis (deduplicate-updates.ts;
 * the poller had confirmed them to Telegram): handled again in order, or skipped if done meanwhile. One
 * still in progress (a predecessor still finishing it) is waited for, and tried again up to three times.
 * Returns how many were found.
 */
async function recoverUpdatesInHand(
  bot: Bot<BotContext>,
  {
    deduplicator,
    inFlight,
    logger,
  }: { deduplicator: UpdateDeduplicator; inFlight: InFlightUpdates; logger: Logger },
): Promise<number> {
  const updates = await deduplicator.inHand(bot.botInfo.id);
  if (updates.length === 0) return 0;
  logger.warn({ count: updates.length }, 'handling again the updates a previous process had in hand');
  const handleAgain = async (update: Update) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await bot.handleUpdate(update);
      } catch (error) {
        const inProgress = error instanceof BotError && error.error instanceof UpdateInProgressError;
        if (!inProgress || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
      }
    }
  };
  // All at once: updates of one chat are taken in this order (sequentialize), other chats concurrently.
  const handled = updates.map((update) =>
    inFlight
      .track(handleAgain(update))
      .catch((error: unknown) => bot.errorHandler(error as Parameters<typeof bot.errorHandler>[0])),
  );
  await Promise.all(handled);
  return updates.length;
}

/** Assembles the bot: dependencies first, features in a fixed order, the error boundary around all. */
export function createBot(config: Config, deps: CreateBotDeps) {
  const bot = newBot(config, deps);
  // First of all: the shutdown waits for the updates in hand (in-flight.ts).
  const inFlight = createInFlightUpdates();
  bot.use(inFlight.middleware);

  const { redis, logger } = deps;
  const prefix = config.redisPrefix;
  const database = createDatabaseWatch({ db: deps.db, logger });
  const parking = createUpdateParking({ redis, prefix, logger, database, i18n: deps.i18n, api: bot.api });
  // A delivery of an update in progress elsewhere: refused in webhook mode (the webhook answers 500 and
  // Telegram sends it again), waited for in polling mode (deduplicate-updates.ts).
  const deduplicator = createUpdateDeduplicator({
    redis,
    prefix,
    logger,
    whenInProgress: config.webhook ? 'refuse' : 'wait',
    journal: !config.webhook,
  });
  const replay = (update: Update) => bot.handleUpdate(update);
  useIntake(bot, config, deps, { parking, deduplicator, inFlight, replay });
  const draining = parking.startDraining(replay, { ready: () => bot.isInited(), track: inFlight.track });
  redis.once('end', () => {
    draining.stop();
    database.stop();
  });

  const dialogueExtras = createDialogueExtras();
  useExtras(bot, config, deps, dialogueExtras);
  const idleMs = Math.round(config.dialogueIdleHours * 3_600_000);
  const draftMaxAgeMs = Math.round(config.dialogueDraftDays * 86_400_000);
  startDialogueIdleCloser({
    redis,
    prefix,
    api: bot.api,
    db: deps.db,
    i18n: deps.i18n,
    logger,
    intervalMs: idleSweepIntervalMs(Math.min(idleMs, draftMaxAgeMs)),
    draftMaxAgeMs,
  });
  useFeatures(bot, config, deps, { idleMs, dialogueExtras });

  bot.catch((error) => handleBotError(error));
  // `database`: whether this process believes PostgreSQL answers (long polling holds its offset on it).
  return Object.assign(bot, {
    /** Long polling, once at start (after `init`): what a killed predecessor had in hand (below). */
    recoverUpdatesInHand: () => recoverUpdatesInHand(bot, { deduplicator, inFlight, logger }),
    /** Kept updates are no longer handed back here: at shutdown, before `updatesSettled`. */
    stopDraining: draining.stop,
    updatesSettled: inFlight.settled,
    database,
  });
}

export type PatronazhBot = ReturnType<typeof createBot>;
