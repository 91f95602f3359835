import { InlineKeyboard, type NextFunction } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, PressInPrivate } from '../../bot/context.js';
import { removePressedButtons } from '../../bot/edit-or-reply.js';
import { accessRefusalText } from '../access/index.js';
import { curatorButtons } from '../curator/index.js';
import { recordStaffView } from '../delivery/index.js';
import { addOpenRequestButtons } from './curator-tools.keyboards.js';
import { viewFamilyCard } from './curator-tools.usecases.js';

/** Refusals after which nothing on the pressed card is for the presser any more: its buttons go. */
const goneRefusals = new Set(['not_yours', 'erased']);

/**
 * Mounted before the curator composer: «Карточка семьи» on a request card opens the family card here; the
 * card's other buttons go on to the relay's and the curator's handlers.
 */
export function createFamilyCardButtonComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').callbackQuery(curatorButtons.filter, familyCardPress);
  return composer;
}

async function familyCardPress(ctx: PressInPrivate, next: NextFunction) {
  const press = curatorButtons.decode(ctx.callbackQuery.data);
  if (press?.action !== 'family') return next();
  const { requestId, action } = press;
  const result = await viewFamilyCard(
    { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
    { telegramId: ctx.from.id, requestId },
  );
  if (!result.ok) {
    ctx.log.warn({ requestId, action, reason: result.refusal.reason }, 'curator button refused');
    await ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, result.refusal) });
    if (goneRefusals.has(result.refusal.reason)) await removePressedButtons(ctx);
    return;
  }
  ctx.log.info({ requestId }, 'family card viewed');
  await ctx.answerCallbackQuery();
  const shown = await ctx.reply(result.text, {
    reply_markup: addOpenRequestButtons(new InlineKeyboard(), ctx.t, result.requests),
  });
  await recordStaffView(ctx.deps.db, {
    staffId: result.staffId,
    chatId: ctx.chat.id,
    messageIds: [shown.message_id],
    familyId: result.familyId,
    requestId,
    what: 'family_card',
  });
}
