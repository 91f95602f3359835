import { createConversation } from '@grammyjs/conversations';
import { setChatCommands } from '../../bot/chat-commands.js';
import { Composer } from '../../bot/composer.js';
import type { BotContext, DialogueContext } from '../../bot/context.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { isFamilyInvitePayload } from '../family-invites/index.js';
import { activeStaffByTelegramId } from '../staff/index.js';
import { loadConsentTexts } from './consent/consent.js';
import { createOnboardingConversation, ONBOARDING_CONVERSATION } from './onboarding.conversation.js';

const deps = (ctx: BotContext) => ({ api: ctx.api, i18n: ctx.deps.i18n, logger: ctx.log });

/** `/start` for families: registration (or joining by a family invite); a registered member gets the menu. */
export function createOnboardingComposer() {
  const composer = new Composer<BotContext>();
  composer.use(
    createConversation<BotContext, DialogueContext>(createOnboardingConversation(loadConsentTexts()), {
      id: ONBOARDING_CONVERSATION,
    }),
  );
  composer.chatType('private').command('start', async (ctx) => {
    const payload = ctx.match.trim();
    if (ctx.member) {
      await ctx.reply(
        ctx.t(isFamilyInvitePayload(payload) ? 'onboarding-invite-already-registered' : 'start-registered'),
        {
          reply_markup: mainMenuKeyboard(ctx.t),
        },
      );
      // Members who registered before command menus existed get theirs now.
      await setChatCommands(deps(ctx), ctx.chat.id, 'family', ctx.language);
      return;
    }
    // A curator's own account is not a family: registering it as one would mix the two roles.
    const staffMember = await activeStaffByTelegramId(ctx.deps.db, ctx.from.id);
    if (staffMember) {
      await ctx.reply(ctx.t('staff-invite-already-staff'));
      await setChatCommands(deps(ctx), ctx.chat.id, staffMember.role);
      return;
    }
    await ctx.conversation.enter(
      ONBOARDING_CONVERSATION,
      isFamilyInvitePayload(payload) ? payload : undefined,
    );
  });
  return composer;
}
