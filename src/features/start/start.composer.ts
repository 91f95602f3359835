import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';

export function createStartComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').command('start', async (ctx) => {
    await ctx.reply(ctx.t('start-greeting'));
  });
  return composer;
}
