import type { MiddlewareFn } from 'grammy';
import type { BotContext } from './context.js';

/**
 * The updates this process is handling right now. The runner's stop and the webhook's close do not wait
 * for them, so a shutdown asks `settled()` before it closes Redis and PostgreSQL under a step that has
 * replied but not yet stored the dialogue's state.
 */
export function createInFlightUpdates() {
  const running = new Set<Promise<void>>();
  const middleware: MiddlewareFn<BotContext> = async (_ctx, next) => {
    const handling = next();
    running.add(handling);
    try {
      await handling;
    } finally {
      running.delete(handling);
    }
  };
  return {
    middleware,
    /** Work started for updates but not awaited by them (a chat's kept updates handed back): waited for too. */
    track: <T>(work: Promise<T>): Promise<T> => {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      running.add(settled);
      void settled.finally(() => running.delete(settled));
      return work;
    },
    settled: async (): Promise<void> => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type InFlightUpdates = ReturnType<typeof createInFlightUpdates>;
