import { createConversation } from '@grammyjs/conversations';
import { Composer } from '../../bot/composer.js';
import type { BotContext, DialogueContext, PressInPrivate } from '../../bot/context.js';
import { editPressed, removePressedButtons } from '../../bot/edit-or-reply.js';
import { accessRefusalText } from '../access/index.js';
import { CURATOR_STATUS_CONVERSATION, curatorStatusDialogue } from './curator.conversation.js';
import { curatorButtons } from './curator.keyboards.js';
import { type AccessRefusal, checkStatusChange, curatorCardView, takeRequest } from './curator.usecases.js';

/** Refusals about where the request stands now: the pressed card is redrawn as the request is. */
const statusRefusals = new Set(['closed', 'not_taken', 'taken_by_other']);
/** Refusals after which nothing on the pressed message is for the presser any more: its buttons go. */
const goneRefusals = new Set(['not_yours', 'erased']);

/**
 * The curator workspace in the staff member's private chat: the request card's buttons. Every press is
 * checked on the server against the presser's role and scope; a forged, foreign or stale press is refused
 * with a notice and a log line (ids only) and changes nothing.
 */
export function createCuratorComposer() {
  const composer = new Composer<BotContext>();
  composer.use(
    createConversation<BotContext, DialogueContext>(curatorStatusDialogue, {
      id: CURATOR_STATUS_CONVERSATION,
    }),
  );
  const privateChat = composer.chatType('private');

  privateChat.callbackQuery(curatorButtons.filter, cardPress);
  return composer;
}

type CardPress = NonNullable<ReturnType<typeof curatorButtons.decode>>;

async function cardPress(ctx: PressInPrivate) {
  const press = curatorButtons.decode(ctx.callbackQuery.data);
  if (!press) {
    ctx.log.warn('malformed curator button refused');
    await ctx.answerCallbackQuery({ text: ctx.t('cur-refused-stale') });
    return;
  }
  if (press.action === 'take') return takePress(ctx, press);
  // «Ответить» and «Ждём ответа семьи» are the relay's, «Карточка семьи» curator-tools' (mounted before this).
  const { action } = press;
  if (action === 'resolve' || action === 'reject') return statusChangePress(ctx, press, action);
}

/** A refused press: a notice and a log line (ids only); the pressed card shows where the request stands. */
async function refuse(ctx: PressInPrivate, { requestId, action }: CardPress, refusal: AccessRefusal) {
  ctx.log.warn({ requestId, action, reason: refusal.reason }, 'curator button refused');
  await ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, refusal) });
  // In scope, but the request has moved on (taken, closed, cancelled): show the card as it is now.
  if (statusRefusals.has(refusal.reason)) await showCard(ctx, requestId);
  else if (goneRefusals.has(refusal.reason)) await removePressedButtons(ctx);
}

async function takePress(ctx: PressInPrivate, press: CardPress) {
  const { requestId } = press;
  const result = await takeRequest({ db: ctx.deps.db }, { telegramId: ctx.from.id, requestId });
  if (!result.ok) return refuse(ctx, press, result.refusal);
  ctx.log.info({ requestId, alreadyYours: result.alreadyYours }, 'request taken');
  const taken = result.familyInChat ? 'cur-taken' : 'cur-taken-no-chat';
  await ctx.answerCallbackQuery({ text: ctx.t(result.alreadyYours ? 'cur-already-yours' : taken) });
  await showCard(ctx, requestId);
}

/** «Решено» / «Отклонить»: the status dialogue asks for the outcome. */
async function statusChangePress(ctx: PressInPrivate, press: CardPress, action: 'resolve' | 'reject') {
  const { requestId } = press;
  const allowed = await checkStatusChange(
    { db: ctx.deps.db },
    { telegramId: ctx.from.id, requestId, action },
  );
  if (!allowed.ok) return refuse(ctx, press, allowed.refusal);
  await ctx.answerCallbackQuery();
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  const message = ctx.callbackQuery.message;
  await ctx.conversation.enter(
    CURATOR_STATUS_CONVERSATION,
    requestId,
    action,
    message ? { chatId: message.chat.id, messageId: message.message_id } : null,
  );
}

/** Replaces the pressed card with the request as it is now (status line, buttons its status allows). */
async function showCard(ctx: BotContext, requestId: number) {
  const view = await curatorCardView(
    { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
    requestId,
  );
  // A card that cannot be redrawn (not the bot's message, or gone) stays: the notice said where it stands.
  if (view && ctx.callbackQuery?.message) await editPressed(ctx, view.text, view.keyboard);
}
