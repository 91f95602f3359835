import { Composer } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';

/**
 * `/help`, `/menu` and `/cancel`. Dialogues are left before these run (escape.ts). The menu's buttons are the
 * features' own: «Нужна помощь» and «Мои заявки» in requests, «Написать куратору» in relay, and so on.
 */
export function createMenuComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');

  privateChat.command(['menu', 'cancel'], async (ctx) => {
    const key = ctx.msg.text.startsWith('/cancel') ? 'menu-cancelled' : 'menu-shown';
    if (!ctx.member) {
      await ctx.reply(ctx.t(`${key}-unregistered`), { reply_markup: { remove_keyboard: true } });
      return;
    }
    await ctx.reply(ctx.t(key), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  privateChat.command('help', async (ctx) => {
    if (!ctx.member) {
      await ctx.reply(ctx.t('help-unregistered'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    await ctx.reply(ctx.t('help-family'), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  return composer;
}
