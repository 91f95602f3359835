import { Composer } from '../../bot/composer.js';
import type { BotContext, PressInPrivate } from '../../bot/context.js';
import { removePressedButtons } from '../../bot/edit-or-reply.js';
import { accessRefusalText } from '../access/index.js';
import { REQUEST_CONVERSATION } from '../requests/index.js';
import { answerButtons, callButtons, outcomeLabel, outcomesKeyboard } from './check-ins.keyboards.js';
import type { CheckInAnswer } from './check-ins.schemas.js';
import { type AnswerResult, answerCheckIn, recordCallOutcome } from './check-ins.usecases.js';

/** What the family is told after its answer: thanks, a call coming, or the request dialogue. */
async function afterAnswer(ctx: PressInPrivate, result: Extract<AnswerResult, { ok: true }>) {
  if (!result.first) return ctx.reply(ctx.t('ci-already'));
  const replies: Record<CheckInAnswer, string | undefined> = {
    fine: 'ci-thanks-fine',
    call: result.curator ? 'ci-thanks-call' : 'ci-no-curator',
    question: undefined,
  };
  const key = replies[result.answer];
  if (key) return ctx.reply(ctx.t(key));
  await ctx.conversation.enter(REQUEST_CONVERSATION);
}

/** «Всё хорошо» / «Есть вопрос» / «Позвоните мне»: only the presser's own family's check-in. */
async function answerPress(ctx: PressInPrivate) {
  const press = answerButtons.decode(ctx.callbackQuery.data);
  if (!press || !ctx.member) return ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
  const result = await answerCheckIn(
    { db: ctx.deps.db },
    { checkInId: press.checkInId, familyId: ctx.member.familyId, answer: press.answer },
  );
  if (!result.ok) {
    ctx.log.warn({ checkInId: press.checkInId }, 'check-in answer for another family refused');
    return ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
  }
  ctx.log.info(
    { checkInId: press.checkInId, answer: result.answer, first: result.first },
    'check-in answered',
  );
  await ctx.answerCallbackQuery();
  await removePressedButtons(ctx);
  await afterAnswer(ctx, result);
}

/** «Записать итог звонка», then the outcome: recorded for staff who may act for the family. */
async function callPress(ctx: PressInPrivate) {
  const press = callButtons.decode(ctx.callbackQuery.data);
  if (!press) return ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
  if (press.kind === 'menu') {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: outcomesKeyboard(ctx.t, press.checkInId) });
    return;
  }
  const result = await recordCallOutcome(
    { db: ctx.deps.db },
    { telegramId: ctx.from.id, checkInId: press.checkInId, outcome: press.outcome },
  );
  if (!result.ok) {
    ctx.log.warn({ checkInId: press.checkInId, reason: result.refusal.reason }, 'call outcome refused');
    return ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, result.refusal) });
  }
  ctx.log.info({ checkInId: press.checkInId, outcome: press.outcome }, 'call outcome recorded');
  await ctx.answerCallbackQuery();
  await removePressedButtons(ctx);
  await ctx.reply(
    ctx.t('ci-outcome-saved', { outcome: outcomeLabel(ctx.t, press.outcome), next: press.outcome }),
  );
}

/** Regular check-ins in the bot: the family's quick answers and the curator's call outcome. */
export function createCheckInsComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  privateChat.callbackQuery(answerButtons.filter, answerPress);
  privateChat.callbackQuery(callButtons.filter, callPress);
  return composer;
}
