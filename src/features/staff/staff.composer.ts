import { setChatCommands } from '../../bot/chat-commands.js';
import { Composer } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { isStaffInvitePayload, redeemStaffInvite } from './staff.usecases.js';

export function createStaffInviteComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');

  privateChat.command('start', async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!isStaffInvitePayload(payload)) return next();
    const from = ctx.from;
    const telegramName = [from.first_name, from.last_name].filter(Boolean).join(' ');
    const result = await redeemStaffInvite(
      { db: ctx.deps.db },
      { payload, telegramId: from.id, telegramName },
    );
    if (!result.ok) {
      ctx.log.info({ reason: result.reason }, 'staff invite refused');
      await ctx.reply(ctx.t(`staff-invite-${result.reason.replace('_', '-')}`));
      return;
    }
    ctx.log.info({ staffId: result.staff.id, role: result.staff.role }, 'staff invite redeemed');
    // A regional supervisor's work differs from a district one's: each is told what will come to this chat.
    const role = result.staff.role === 'supervisor' && result.staff.regional ? 'regional' : result.staff.role;
    await ctx.reply(ctx.t('staff-invite-welcome', { role, name: result.staff.fullName }));
    // Their own command menu in this chat: the commands of their role.
    await setChatCommands(
      { api: ctx.api, i18n: ctx.deps.i18n, logger: ctx.log },
      ctx.chat.id,
      result.staff.role,
    );
  });

  return composer;
}
