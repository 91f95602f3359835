import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askText } from '../../bot/dialogue/questions.js';
import { accessRefusalText } from '../access/index.js';
import type { StatusAction } from './curator.usecases.js';
import { changeStatus, curatorCardView } from './curator.usecases.js';

export const CURATOR_STATUS_CONVERSATION = 'curator-status';

const questionKeys: Record<StatusAction, string> = {
  resolve: 'cur-ask-resolve-comment',
  reject: 'cur-ask-reject-reason',
};
const doneKeys: Record<StatusAction, string> = {
  resolve: 'cur-done-resolved',
  reject: 'cur-done-rejected',
};

/**
 * After a status button on a card: the words the family will read (a comment, a reason), then
 * the change — checked again on the server when it is made — and the card updated in place.
 */
export async function curatorStatusDialogue(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  requestId: number,
  action: StatusAction,
  card: { chatId: number; messageId: number } | null,
) {
  ctx.dialogueTurn.staffDialogue = true;
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const note = await askText(conversation, ctx, {
    question: ctx.t(questionKeys[action]),
    maxLength: 2000,
  });
  const result = await conversation.external((outside) =>
    changeStatus({ db: outside.deps.db }, { telegramId, requestId, action, note }),
  );
  if (!result.ok) {
    await ctx.reply(accessRefusalText(ctx.t, result.refusal));
    return;
  }
  await ctx.reply(ctx.t(doneKeys[action], { number: String(result.number) }));
  if (!card) return;
  const view = await conversation.external(async (outside) => {
    const built = await curatorCardView(
      { db: outside.deps.db, i18n: outside.deps.i18n, timeZone: outside.deps.config.timeZone },
      requestId,
    );
    return built ? { text: built.text, inlineKeyboard: built.keyboard.inline_keyboard } : undefined;
  });
  if (!view) return;
  await ctx.api
    .editMessageText(card.chatId, card.messageId, view.text, {
      reply_markup: { inline_keyboard: view.inlineKeyboard },
    })
    .catch(() => undefined);
}
