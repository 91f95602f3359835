import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareFn } from 'grammy';
import type { ContextExtras, DialogueContext } from '../context.js';

/**
 * Carries the extras of the update being handled (deps, log, language, t, member) into the context
 * objects the conversations plugin creates, which never pass the outside middleware. Every replayed
 * context gets the current update's extras, so a text reads in the language the person uses now.
 */
export function createDialogueExtras() {
  const storage = new AsyncLocalStorage<ContextExtras>();
  return {
    /** Outside middleware: run the rest of the update with these extras available to dialogues. */
    provide(extras: ContextExtras, next: () => Promise<void>): Promise<void> {
      return storage.run(extras, next);
    },
    /** Conversation plugin: install the extras on a context created by the conversations plugin. */
    install: (async (ctx, next) => {
      const extras = storage.getStore();
      if (!extras) throw new Error('dialogue context created outside an update');
      Object.assign(ctx, extras);
      await next();
    }) satisfies MiddlewareFn<DialogueContext>,
  };
}
