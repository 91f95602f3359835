import { createConversation } from '@grammyjs/conversations';
import { Composer } from '../../bot/composer.js';
import type { BotContext, CommandInPrivate, DialogueContext } from '../../bot/context.js';
import { ANNOUNCE_CONVERSATION, announceDialogue } from './announcements.conversation.js';
import { checkSender } from './announcements.usecases.js';

/** `/announce` in a supervisor's private chat; anyone else is told it is for supervisors. */
export function createAnnouncementsComposer() {
  const composer = new Composer<BotContext>();
  composer.use(
    createConversation<BotContext, DialogueContext>(announceDialogue, { id: ANNOUNCE_CONVERSATION }),
  );
  composer.chatType('private').command('announce', announceCommand);
  return composer;
}

async function announceCommand(ctx: CommandInPrivate) {
  const sender = await checkSender(ctx.deps.db, ctx.from.id);
  if (!sender.ok) {
    ctx.log.info({ reason: sender.reason }, 'announce refused');
    await ctx.reply(ctx.t('ann-refused', { reason: sender.reason }));
    return;
  }
  await ctx.conversation.enter(ANNOUNCE_CONVERSATION);
}
