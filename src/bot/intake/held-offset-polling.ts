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
export function runHeldOffsetPolling(
  bot: PatronazhBot,
  {
    logger,
    allowedUpdates,
    redisAnswers,
    databaseAnswers,
  }: {
    logger: Logger;
    allowedUpdates: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
    /** Whether updates could be parked now. */
    redisAnswers: () => boolean;
    /** Whether updates could be handled now (as far as this process knows). */
    databaseAnswers: () => boolean;
  },
): RunnerHandle {
  let offset = 0;
  const inHand = new Set<number>();
  /** Handed out and settled, at or above the last offset asked for: left out if Telegram sends them again. */
  const settled = new Set<number>();
  const notKept = new Set<number>();

  async function getUpdates(batchSize: number, signal: Signal): Promise<Update[]> {
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

  const supplier: UpdateSupplier<Update> = {
    async supply(batchSize, signal) {
      await bot.init();
      for (;;) {
        if (signal.aborted) return [];
        if (notKept.size > 0) {
          if (!redisAnswers() && !databaseAnswers()) {
            await sleep(HOLD_CHECK_MS, signal);
            continue;
          }
          offset = Math.min(...notKept);
          logger.info({ fromUpdateId: offset }, 'a store answers again: fetching the updates not kept');
          notKept.clear();
        } else if (inHand.size > 0 && !redisAnswers()) {
          // Fetching now would confirm updates that may yet prove impossible to keep.
          await sleep(HOLD_CHECK_MS, signal);
          continue;
        }
        const asked = offset;
        const updates = await getUpdates(batchSize, signal);
        for (const id of settled) if (id < asked) settled.delete(id);
        const last = updates.at(-1)?.update_id;
        if (last !== undefined) offset = last + 1;
        const fresh = updates.filter(
          (update) => !inHand.has(update.update_id) && !settled.has(update.update_id),
        );
        for (const update of fresh) inHand.add(update.update_id);
        if (fresh.length > 0) return fresh;
      }
    },
  };

  const sink = createConcurrentSink<Update>(
    {
      async consume(update) {
        const id = update.update_id;
        try {
          await bot.handleUpdate(update);
          settled.add(id);
        } catch (error) {
          if (!redisAnswers() || !databaseAnswers()) {
            notKept.add(id);
            logger.warn(
              { updateId: id },
              'update neither handled nor kept: polling holds it until PostgreSQL or Redis is back',
            );
          } else {
            settled.add(id);
            throw error;
          }
        } finally {
          inHand.delete(id);
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
  const runner = createRunner(createSource(supplier), sink);
  runner.start();
  return runner;
}
