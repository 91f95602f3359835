import type { Filter, NextFunction } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, PressInPrivate, PrivateContext } from '../../bot/context.js';
import { removePressedButtons } from '../../bot/edit-or-reply.js';
import { fitsNewRequest, heldMessagesOf, REQUEST_CONVERSATION } from '../requests/index.js';
import { aboutText, refreshCards, relayFamilyMessage } from './relay.composer.js';
import { countHeld, editHeld, holdFamilyMessage, openRequestsOfFamily, releaseHeld } from './relay.held.js';
import { heldButtonsFilter, heldChoiceKeyboard, readHeldPress } from './relay.keyboards.js';
import { createRelayModes } from './relay.mode.js';
import { relayableContent } from './relay.usecases.js';

const modesOf = (ctx: BotContext) =>
  createRelayModes({ redis: ctx.deps.redis, prefix: ctx.deps.config.redisPrefix });

/** Asks, in one tap, where the member's held messages go. */
async function askWhereHeldGoes(ctx: BotContext, memberId: number, familyId: number) {
  const [open, held] = await Promise.all([
    openRequestsOfFamily(ctx.deps.db, familyId),
    heldMessagesOf(ctx.deps.db, memberId),
  ]);
  const text = ctx.t('relay-held-ask', { count: held.length, requests: open.length });
  await ctx.reply(text, {
    reply_markup: heldChoiceKeyboard(ctx.t, open, { newRequest: fitsNewRequest(held) }),
  });
}

/**
 * A registered family member writes outside any dialogue and outside «Написать куратору» — «Здравствуйте,
 * когда придёт няня?», or a photo. Mounted after the relay composer, before the fallback. With exactly one
 * open request (and nothing held before) the message goes to that request's curator at once, through the
 * relay; otherwise it is held in PostgreSQL and the person chooses where it goes: a request, a general
 * question, or a new request that takes it in.
 */
export function createHeldMessagesComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  privateChat.on('edited_message', heldEdited);
  privateChat.on('message', familyMessageOutsideDialogue);
  privateChat.callbackQuery(heldButtonsFilter, heldPress);
  return composer;
}

type Member = NonNullable<BotContext['member']>;

async function heldEdited(ctx: Filter<PrivateContext, 'edited_message'>, next: NextFunction) {
  const edited = ctx.editedMessage;
  if (!ctx.member) return next();
  const content = relayableContent(edited);
  if (!content) return next();
  const updated = await editHeld(ctx.deps.db, {
    chatId: ctx.chat.id,
    telegramMessageId: edited.message_id,
    text: content.text,
  });
  if (!updated) return next();
  ctx.log.info('held message edited');
}

async function familyMessageOutsideDialogue(ctx: Filter<PrivateContext, 'message'>, next: NextFunction) {
  const member = ctx.member;
  const message = ctx.msg;
  if (!member || message.text?.startsWith('/')) return next();
  const content = relayableContent(message);
  if (!content) return next();

  const db = ctx.deps.db;
  const [open, heldBefore] = await Promise.all([
    openRequestsOfFamily(db, member.familyId),
    countHeld(db, member.id),
  ]);
  const only = open.length === 1 ? open[0] : undefined;
  if (only && heldBefore === 0) {
    const target = { requestId: only.id, familyId: member.familyId };
    // The rest of an album follows its first item to the same request (relay.composer.ts).
    const firstOfAlbum = message.media_group_id
      ? await modesOf(ctx).rememberAlbum(ctx.chat.id, message.media_group_id, target)
      : true;
    await relayFamilyMessage(ctx, message, target, firstOfAlbum, { sentKey: 'relay-free-sent' });
    return;
  }

  const held = await holdFamilyMessage(db, {
    familyId: member.familyId,
    memberId: member.id,
    chatId: ctx.chat.id,
    message,
    content,
  });
  ctx.log.info({ held: held.held }, 'family message held until the family chooses where it goes');
  if (held.ask) await askWhereHeldGoes(ctx, member.id, member.familyId);
}

async function heldPress(ctx: PressInPrivate) {
  const choice = readHeldPress(ctx.callbackQuery.data);
  const member = ctx.member;
  if (!choice || !member) {
    ctx.log.warn('held-message button refused');
    await ctx.answerCallbackQuery({
      text: ctx.t(member ? 'cur-refused-stale' : 'relay-refused-not-family'),
    });
    return;
  }
  if (choice.kind === 'new') return heldToNewRequest(ctx, member);
  return releaseHeldPress(ctx, member, choice.kind === 'request' ? choice.requestId : null);
}

async function heldToNewRequest(ctx: PressInPrivate, member: Member) {
  const held = await heldMessagesOf(ctx.deps.db, member.id);
  if (held.length === 0) {
    await ctx.answerCallbackQuery({ text: ctx.t('relay-held-gone') });
    await removePressedButtons(ctx);
    return;
  }
  // The buttons stay: should the person not send the request, they can still pass the messages on.
  await ctx.answerCallbackQuery();
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(REQUEST_CONVERSATION, undefined, 'held');
}

/** The held messages go to a request's curator (`requestId`) or as a general question (null). */
async function releaseHeldPress(ctx: PressInPrivate, member: Member, requestId: number | null) {
  const result = await releaseHeld(
    { db: ctx.deps.db },
    { memberId: member.id, familyId: member.familyId, requestId },
  );
  if (!result.ok) {
    ctx.log.warn({ requestId, reason: result.reason }, 'held messages not released');
    await ctx.answerCallbackQuery({
      text: ctx.t(result.reason === 'nothing_held' ? 'relay-held-gone' : 'relay-refused-not-yours'),
    });
    if (result.reason === 'nothing_held') await removePressedButtons(ctx);
    return;
  }
  ctx.log.info({ requestId, released: result.released }, 'held messages relayed to the curator');
  await ctx.answerCallbackQuery();
  await removePressedButtons(ctx);
  const about = aboutText(ctx, result.number);
  await ctx.reply(
    result.resumed
      ? ctx.t('relay-family-sent-resumed', { number: String(result.number) })
      : ctx.t('relay-held-sent', { about, count: result.released }),
  );
  if (result.resumed && requestId !== null) await refreshCards(ctx, requestId);
}
