import { createConversation } from '@grammyjs/conversations';
import { Composer } from '../../bot/composer.js';
import type { BotContext, DialogueContext } from '../../bot/context.js';
import { menuButton } from '../../bot/main-menu.js';
import { SETTINGS_CONVERSATION, settings } from './settings.conversation.js';

/** «Настройки» from the main menu, for registered members only. */
export function createSettingsComposer() {
  const composer = new Composer<BotContext>();
  composer.use(createConversation<BotContext, DialogueContext>(settings, { id: SETTINGS_CONVERSATION }));
  composer
    .chatType('private')
    .filter((ctx) => menuButton(ctx) === 'settings' && ctx.member !== undefined)
    .use(async (ctx) => {
      const member = ctx.member!;
      await ctx.conversation.enter(SETTINGS_CONVERSATION, { familyId: member.familyId, memberId: member.id });
    });
  return composer;
}
