import { createConversation } from '@grammyjs/conversations';
import { Composer } from '../../bot/composer.js';
import type { BotContext, DialogueContext } from '../../bot/context.js';
import { menuButton } from '../../bot/main-menu.js';
import { PASSPORT_CONVERSATION, passport } from './passport.conversation.js';

/** «Социальный паспорт» from the main menu: view and edit, for registered members only. */
export function createPassportComposer() {
  const composer = new Composer<BotContext>();
  composer.use(createConversation<BotContext, DialogueContext>(passport, { id: PASSPORT_CONVERSATION }));
  composer
    .chatType('private')
    .filter((ctx) => menuButton(ctx) === 'passport' && ctx.member !== undefined)
    .use(async (ctx) => {
      const member = ctx.member!;
      await ctx.conversation.enter(PASSPORT_CONVERSATION, { familyId: member.familyId, memberId: member.id });
    });
  return composer;
}
