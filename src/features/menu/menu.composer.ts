import { Composer } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { activeStaffByTelegramId } from '../staff/index.js';

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
      // Staff have no family menu and never register: «отправьте /start» is not for them (a phone intake's /cancel).
      const staff = await activeStaffByTelegramId(ctx.deps.db, ctx.from.id);
      await ctx.reply(ctx.t(`${key}-${staff ? 'staff' : 'unregistered'}`), {
        reply_markup: { remove_keyboard: true },
      });
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
