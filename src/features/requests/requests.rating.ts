import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askText } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { saveRatingComment } from './requests.usecases.js';

export const RATING_COMMENT_CONVERSATION = 'request-rating-comment';

/** After a rating press: an optional word about how it went, kept on the request. */
export async function ratingCommentDialogue(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  requestId: number,
  number: number,
  rating: number,
) {
  const member = ctx.member;
  if (!member) return;
  const comment = await askText(conversation, ctx, {
    question: ctx.t('req-rating-comment-question', { number: String(number), rating }),
    maxLength: 1000,
    skippable: true,
  });
  if (comment !== undefined) {
    const familyId = member.familyId;
    await conversation.external((outside) =>
      saveRatingComment(
        { db: outside.deps.db, timeZone: outside.deps.config.timeZone },
        { familyId, requestId, comment },
      ),
    );
  }
  await ctx.reply(ctx.t('req-rating-thanks', { number: String(number) }), {
    reply_markup: mainMenuKeyboard(ctx.t),
  });
}
