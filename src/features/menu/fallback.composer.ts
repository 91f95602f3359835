import { Composer } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { mainMenuKeyboard, menuButton } from '../../bot/main-menu.js';

/**
 * Last in the chain: whatever no feature took. An old or foreign button gets a pop-up hint; a message
 * gets the way forward (the menu, what can be sent, or /start for someone not registered) — never silence.
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
    // Texts, photos, files and voice reach the curator (features/relay); what is left is a command we do not
    // know, or something that cannot be passed on (a sticker, a location): say what can be sent.
    const key = ctx.message.text === undefined ? 'relay-unsupported-family' : 'fallback-registered';
    await ctx.reply(ctx.t(key), { reply_markup: mainMenuKeyboard(ctx.t) });
  });
  return composer;
}
