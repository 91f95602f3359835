import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';

/**
 * The family's requests: «Нужна помощь» (the nine request dialogues), «Мои заявки» (list, card, cancel,
 * reopen, rating) and «Меры поддержки». Mounted by create-bot.ts after the conversations plugin.
 */
export function createRequestsComposer() {
  const composer = new Composer<BotContext>();
  return composer;
}
