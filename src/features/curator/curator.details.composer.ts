import { Composer } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { accessRefusalText } from '../access/index.js';
import { recordStaffView } from '../delivery/index.js';
import { fullDetailsButtons } from '../request-card/index.js';
import { fullRequestDetails } from './curator.details.js';

/**
 * «Показать полностью» (`det:<requestId>`) under any staff view of a request: the whole answers as replies
 * to the card, in messages within Telegram's limit. A press by someone without the right (a stranger, a
 * family member, an observer, staff of another district) changes nothing and gets a notice.
 */
export function createFullDetailsComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').callbackQuery(fullDetailsButtons.filter, async (ctx) => {
    const press = fullDetailsButtons.decode(ctx.callbackQuery.data);
    if (!press) {
      ctx.log.warn('malformed details button refused');
      await ctx.answerCallbackQuery({ text: ctx.t('cur-refused-stale') });
      return;
    }
    const { requestId } = press;
    const result = await fullRequestDetails(
      { db: ctx.deps.db, i18n: ctx.deps.i18n },
      { telegramId: ctx.from.id, requestId },
    );
    if (!result.ok) {
      ctx.log.warn({ requestId, reason: result.refusal.reason }, 'details button refused');
      await ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, result.refusal) });
      return;
    }
    ctx.log.info({ requestId, parts: result.messages.length }, 'request details shown in full');
    await ctx.answerCallbackQuery();
    const card = ctx.callbackQuery.message?.message_id;
    const shown: number[] = [];
    for (const text of result.messages) {
      const sent = await ctx.reply(text, {
        ...(card === undefined
          ? {}
          : { reply_parameters: { message_id: card, allow_sending_without_reply: true } }),
        link_preview_options: { is_disabled: true },
      });
      shown.push(sent.message_id);
    }
    await recordStaffView(ctx.deps.db, {
      staffId: result.staffId,
      chatId: ctx.chat.id,
      messageIds: shown,
      familyId: result.familyId,
      requestId,
      what: 'details',
    });
  });
  return composer;
}
