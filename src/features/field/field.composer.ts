import { createConversation } from '@grammyjs/conversations';
import { Composer } from '../../bot/composer.js';
import type { BotContext, CommandInPrivate, DialogueContext } from '../../bot/context.js';
import { FIELD_CONVERSATION, fieldDialogue } from './field.conversation.js';
import { mayFillIn } from './field.usecases.js';

/** `/field` in the private chat of a field worker or a curator. */
export function createFieldComposer() {
  const composer = new Composer<BotContext>();
  composer.use(createConversation<BotContext, DialogueContext>(fieldDialogue, { id: FIELD_CONVERSATION }));
  composer.chatType('private').command('field', fieldCommand);
  return composer;
}

async function fieldCommand(ctx: CommandInPrivate) {
  if (!(await mayFillIn(ctx.deps.db, ctx.from.id))) {
    ctx.log.info('field questionnaire refused');
    await ctx.reply(ctx.t('field-refused', { reason: 'wrong_role' }));
    return;
  }
  await ctx.conversation.enter(FIELD_CONVERSATION);
}
