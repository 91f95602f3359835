import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';
import { mainMenuKeyboard, menuButton } from '../../bot/main-menu.js';
import { askWriteTopic } from '../relay/relay.composer.js';

/** `/help`, `/menu`, `/cancel` and «Написать куратору». Dialogues are left before these run (escape.ts). */
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

  // «Написать куратору»: choose the request (or a general question), then write (features/relay).
  privateChat.filter(
    (ctx) => menuButton(ctx) === 'write_curator',
    async (ctx) => {
      if (!ctx.member) {
        await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await askWriteTopic(ctx);
    },
  );

  return composer;
}
