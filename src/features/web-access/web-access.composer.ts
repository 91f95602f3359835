import { Composer } from '../../bot/composer.js';
import type { BotContext, CommandInPrivate } from '../../bot/context.js';
import { issueWebLink } from './web-access.usecases.js';

/** /web in a private chat: a one-time link to the monitoring site for whoever may watch, a refusal otherwise. */
export function createWebAccessComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').command('web', webCommand);
  return composer;
}

async function webCommand(ctx: CommandInPrivate) {
  const { config, db } = ctx.deps;
  const issued = await issueWebLink({ db, adminTelegramIds: config.web.adminTelegramIds }, ctx.from.id);
  if (!issued.ok) {
    ctx.log.info({ command: 'web', reason: issued.reason }, 'web link refused');
    const key =
      issued.reason === 'curator' ? 'web-link-staff' : ctx.member ? 'web-link-family' : 'web-link-stranger';
    await ctx.reply(ctx.t(key));
    return;
  }
  ctx.log.info({ command: 'web', role: issued.role }, 'web link issued');
  const url = `${config.web.publicUrl}/web/login/${issued.secret}`;
  await ctx.reply(ctx.t('web-link', { url }), { link_preview_options: { is_disabled: true } });
}
