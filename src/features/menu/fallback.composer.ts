import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';
import { mainMenuKeyboard, menuButton } from './menu.keyboards.js';

/**
 * Last in the chain: whatever no feature took. An old or foreign button gets a pop-up hint; a message
 * gets the way forward (the menu, or /start for someone not registered) — never silence.
 */
export function createFallbackComposer() {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
  });
  composer.chatType('private').on('message', async (ctx) => {
    if (!ctx.member) {
      await ctx.reply(ctx.t(menuButton(ctx) ? 'menu-register-first' : 'fallback-unregistered'), {
        reply_markup: { remove_keyboard: true },
      });
      return;
    }
    await ctx.reply(ctx.t('fallback-registered'), { reply_markup: mainMenuKeyboard(ctx.t) });
  });
  return composer;
}
