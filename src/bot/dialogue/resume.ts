import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.js';
import { createDraftsRepository, sawDraftsErased } from './drafts.js';

/**
 * A message or a press from someone with no dialogue running but a draft of one (its live state in Redis
 * is gone: a wipe, a crash, a deploy that changed the dialogues): the dialogue is entered again as it was
 * first entered, reads its answers from the draft, tells the person it goes on, and asks the question it
 * stopped at. The message itself was the answer in flight; it is not taken as the answer, as the question
 * it answered is asked again. Installed after every feature that registers a dialogue, before the menu,
 * the relay and the fallback, so only updates no dialogue or command took come here.
 */
export const resumeDialogueFromDraft: MiddlewareFn<BotContext> = async (ctx, next) => {
  const telegramId = ctx.from?.id;
  if (ctx.chat?.type !== 'private' || telegramId === undefined || !(ctx.message || ctx.callbackQuery)) {
    return next();
  }
  if (Object.keys(ctx.conversation.active()).length > 0) return next();
  // Usually known from the sender's lookup of this update; the repository is made only when it is needed.
  const draft = ctx.drafts.known
    ? ctx.drafts.latest
    : await createDraftsRepository(ctx.deps.db).latest(telegramId);
  if (!draft) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  ctx.log.info({ dialogue: draft.dialogue, step: draft.step }, 'dialogue resumed from its draft');
  try {
    await ctx.conversation.enter(draft.dialogue, ...draft.args);
  } catch (error) {
    if (!(error instanceof Error && error.message.includes('has not been registered'))) throw error;
    // A dialogue this version no longer has: its answers can lead nowhere.
    await createDraftsRepository(ctx.deps.db).erase(telegramId, [draft.dialogue]);
    sawDraftsErased(ctx.drafts, [draft.dialogue]);
    ctx.log.warn({ dialogue: draft.dialogue }, 'draft of an unknown dialogue erased');
    await next();
  }
};
