import {
  createConcurrentSink,
  createRunner,
  createSource,
  type RunnerHandle,
  type UpdateSupplier,
} from '@grammyjs/runner';
import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../logger.js';
import type { PatronazhBot } from '../create-bot.js';

/** The runner's signal (typed with grammY's abort-controller shim). */
type Signal = Parameters<UpdateSupplier<Update>['supply']>[1];

const sleep = (ms: number, signal?: Signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** How often a held poller looks whether the updates in hand settled or a store answers again. */
const HOLD_CHECK_MS = 200;

export interface HeldOffsetPollingOptions {
  logger: Logger;
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
  /** Whether updates could be parked now. */
  redisAnswers: () => boolean;
  /** Whether updates could be handled now (as far as this process knows). */
  databaseAnswers: () => boolean;
}

/** Where polling stands: the offset to ask from, and the updates in hand, settled or not kept. */
interface PollingState {
  offset: number;
  inHand: Set<number>;
  /** Handed out and settled, at or above the last offset asked for: left out if Telegram sends them again. */
  settled: Set<number>;
  notKept: Set<number>;
}

/** getUpdates from the offset, tried again (with a growing pause) until it answers or polling stops. */
async function getUpdates(
  bot: PatronazhBot,
  { logger, allowedUpdates }: HeldOffsetPollingOptions,
  offset: number,
  batchSize: number,
  signal: Signal,
): Promise<Update[]> {
  for (let retryIn = 100; ; retryIn = Math.min(retryIn * 2, 30_000)) {
    try {
      return await bot.api.getUpdates(
        {
          offset,
          limit: Math.max(1, Math.min(batchSize, 100)),
          timeout: 30,
          allowed_updates: [...allowedUpdates],
        },
        signal,
      );
    } catch (error) {
      if (signal.aborted) throw error;
      // A wrong token or another poller: nothing to wait for.
      if (error instanceof GrammyError && [401, 409].includes(error.error_code)) throw error;
      logger.warn({ err: error }, 'getUpdates failed, trying again');
      await sleep(retryIn, signal);
    }
  }
}

/** Whether to wait before fetching (a store away); moves the offset back to updates not kept once one answers. */
function mustHold(state: PollingState, { logger, redisAnswers, databaseAnswers }: HeldOffsetPollingOptions) {
  if (state.notKept.size > 0) {
    if (!redisAnswers() && !databaseAnswers()) return true;
    state.offset = Math.min(...state.notKept);
    logger.info({ fromUpdateId: state.offset }, 'a store answers again: fetching the updates not kept');
    state.notKept.clear();
    return false;
  }
  // Fetching now would confirm updates that may yet prove impossible to keep.
  return state.inHand.size > 0 && !redisAnswers();
}

function heldOffsetSupplier(
  bot: PatronazhBot,
  options: HeldOffsetPollingOptions,
  state: PollingState,
): UpdateSupplier<Update> {
  return {
    async supply(batchSize, signal) {
      await bot.init();
      for (;;) {
        if (signal.aborted) return [];
        if (mustHold(state, options)) {
          await sleep(HOLD_CHECK_MS, signal);
          continue;
        }
        const asked = state.offset;
        const updates = await getUpdates(bot, options, asked, batchSize, signal);
        for (const id of state.settled) if (id < asked) state.settled.delete(id);
        const last = updates.at(-1)?.update_id;
        if (last !== undefined) state.offset = last + 1;
        const fresh = updates.filter(
          (update) => !state.inHand.has(update.update_id) && !state.settled.has(update.update_id),
        );
        for (const update of fresh) state.inHand.add(update.update_id);
        if (fresh.length > 0) return fresh;
      }
    },
  };
}

function heldOffsetSink(
  bot: PatronazhBot,
  { logger, redisAnswers, databaseAnswers }: HeldOffsetPollingOptions,
  state: PollingState,
) {
  return createConcurrentSink<Update>(
    {
      async consume(update) {
        const id = update.update_id;
        try {
          await bot.handleUpdate(update);
          state.settled.add(id);
        } catch (error) {
          if (redisAnswers() && databaseAnswers()) {
            state.settled.add(id);
            throw error;
          }
          state.notKept.add(id);
          logger.warn(
            { updateId: id },
            'update neither handled nor kept: polling holds it until PostgreSQL or Redis is back',
          );
        } finally {
          state.inHand.delete(id);
        }
      },
    },
    async (error) => {
      try {
        // handleUpdate rejects with a BotError; the error handler logs it without personal data.
        await bot.errorHandler(error as Parameters<typeof bot.errorHandler>[0]);
      } catch (inner) {
        logger.error({ err: inner }, 'update failed');
      }
    },
  );
}

/**
 * Long polling that never confirms an update it could not keep. Telegram forgets an update once getUpdates is
 * called with a greater offset, and keeps it for 24 hours otherwise. An update is kept when it was handled or
 * parked in Redis (update-parking.ts); with PostgreSQL and Redis both away it is neither, and grammY's runner
 * would already have confirmed it by fetching the next batch. Here:
 * - while Redis is away (parking impossible), the next batch is fetched only once every update in hand has
 *   settled, so the offset never moves past one whose fate is open;
 * - an update that failed while a store was away is not kept: polling stops and, once PostgreSQL or Redis
 *   answers, asks again from that update's id; updates of that second batch already handled meanwhile are
 *   left out (each id is handed to the bot once, unless it was not kept).
 * Updates of different chats are still handled concurrently, as by grammY's runner.
 */
export function runHeldOffsetPolling(bot: PatronazhBot, options: HeldOffsetPollingOptions): RunnerHandle {
  const state: PollingState = { offset: 0, inHand: new Set(), settled: new Set(), notKept: new Set() };
  const runner = createRunner(
    createSource(heldOffsetSupplier(bot, options, state)),
    heldOffsetSink(bot, options, state),
  );
  runner.start();
  return runner;
}
