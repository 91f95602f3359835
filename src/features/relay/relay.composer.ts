import type { NextFunction } from 'grammy';
import type { Message } from 'grammy/types';
import { Composer } from '../../bot/composer.js';
import type { BotContext, PressInPrivate, PrivateContext } from '../../bot/context.js';
import { isDialogueEscape } from '../../bot/dialogue/escape.js';
import { removePressedButtons } from '../../bot/edit-or-reply.js';
import { menuButton } from '../../bot/main-menu.js';
import { accessRefusalText } from '../access/index.js';
import { curatorButtons, curatorCardView } from '../curator/index.js';
import { createUnrecordedSends } from '../delivery/index.js';
import {
  cancelKeyboard,
  chooseTopicKeyboard,
  readRelayPress,
  relayButtonsFilter,
} from './relay.keyboards.js';
import { type AlbumTarget, createRelayModes, type RelayMode } from './relay.mode.js';
import {
  checkReplyToMessage,
  checkStaffTarget,
  familyRequestNumber,
  findRelayStaff,
  findThreadOfReply,
  isDeactivatedStaff,
  recordEdit,
  relayableContent,
  relayFromFamily,
  relayFromStaff,
  sentCardsOf,
  writeTopicsOf,
} from './relay.usecases.js';

/** A curator's «Ответить» waits this long for the message. */
const STAFF_MODE_TTL_SECONDS = 30 * 60;

const modesOf = (ctx: BotContext) =>
  createRelayModes({ redis: ctx.deps.redis, prefix: ctx.deps.config.redisPrefix });
/** Delivery's note of the sends whose recording is late: a reply to one finds it meanwhile. */
const unrecordedOf = (ctx: BotContext) =>
  createUnrecordedSends({ redis: ctx.deps.redis, prefix: ctx.deps.config.redisPrefix });
const familyModeTtl = (ctx: BotContext) => Math.round(ctx.deps.config.dialogueIdleHours * 3600);

/** «Написать куратору» in the main menu: which request the message is about, or a general question. */
async function askWriteTopic(ctx: BotContext) {
  if (!ctx.member) {
    await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
    return;
  }
  const { open, curatorName, supervisors } = await writeTopicsOf(ctx.deps.db, ctx.member.familyId);
  const intro =
    curatorName !== undefined
      ? ctx.t('relay-choose-topic-named', { curator: curatorName })
      : noCuratorText(ctx, supervisors);
  // With nobody to get it, no «Общий вопрос» (a request's messages go to whoever has the request).
  const general = curatorName !== undefined || supervisors !== undefined;
  const keyboard = chooseTopicKeyboard(ctx.t, open, { general });
  await ctx.reply(intro, open.length > 0 || general ? { reply_markup: keyboard } : {});
}

/** «Куратор пока не назначен…»: who gets a general question now, or that nobody can (with what to do instead). */
const noCuratorText = (ctx: BotContext, supervisors: 'district' | 'regional' | undefined) =>
  ctx.t('relay-choose-topic-none', {
    supervisors: supervisors ?? 'none',
    hotline: ctx.deps.config.hotlinePhone,
  });

/**
 * Mounted before the curator composer: the card's «Ответить» and «Ждём ответа семьи», the relay's own
 * buttons, and leaving a relay mode by /cancel, /menu, /start or a menu button.
 */
export function createRelayButtonsComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  privateChat.use(leaveModeOnEscape);
  // «Ответить» and «Ждём ответа семьи» on a curator's card are the relay's; the other card buttons go on.
  privateChat.callbackQuery(curatorButtons.filter, cardReplyPress);
  privateChat.callbackQuery(curatorButtons.filter, otherCardPress);
  privateChat.callbackQuery(relayButtonsFilter, relayPress);
  return composer;
}

async function leaveModeOnEscape(ctx: PrivateContext, next: NextFunction) {
  if (ctx.from && isDialogueEscape(ctx) && (await modesOf(ctx).clear(ctx.from.id))) {
    ctx.log.info('relay mode left');
    // Staff have no menu to show; a family's /cancel goes on to the menu composer.
    if (!ctx.member && ctx.message?.text?.startsWith('/cancel')) {
      await ctx.reply(ctx.t('relay-cancelled'));
      return;
    }
  }
  await next();
}

async function cardReplyPress(ctx: PressInPrivate, next: NextFunction) {
  const press = curatorButtons.decode(ctx.callbackQuery.data);
  if (press?.action !== 'reply' && press?.action !== 'wait') return next();
  const { requestId, action } = press;
  const question = action === 'wait';
  const checked = await checkStaffTarget(ctx.deps.db, {
    telegramId: ctx.from.id,
    target: { requestId, familyId: 0 },
    question,
  });
  if (!checked.ok) {
    ctx.log.warn({ requestId, action, reason: checked.refusal.reason }, 'relay button refused');
    await ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, checked.refusal) });
    return;
  }
  const card = ctx.callbackQuery.message;
  const number = String(checked.number);
  await openStaffMode(
    ctx,
    {
      side: 'staff',
      requestId,
      familyId: checked.familyId,
      ...(question ? { question: true } : {}),
      ...(card ? { card: { chatId: card.chat.id, messageId: card.message_id } } : {}),
    },
    ctx.t(question ? 'relay-staff-ask-question' : 'relay-staff-write', { number }),
  );
}

/**
 * «Ответить»: the staff member's next message goes to this family. The mode is kept first (a message sent
 * right after the press finds it), then again with the id of the bot's prompt, so that a Telegram reply to
 * the prompt is known as one (see `replyTarget`).
 */
async function openStaffMode(ctx: PressInPrivate, mode: RelayMode, prompt: string) {
  const modes = modesOf(ctx);
  await modes.set(ctx.from.id, mode, STAFF_MODE_TTL_SECONDS);
  await ctx.answerCallbackQuery();
  const sent = await ctx.reply(prompt, { reply_markup: cancelKeyboard(ctx.t) });
  const still = await modes.get(ctx.from.id);
  if (still?.side === 'staff' && still.requestId === mode.requestId && still.familyId === mode.familyId)
    await modes.set(ctx.from.id, { ...still, promptId: sent.message_id }, STAFF_MODE_TTL_SECONDS);
}

/** Any other card button ends a pending «Ответить»: the curator has moved on to something else. */
async function otherCardPress(ctx: PressInPrivate, next: NextFunction) {
  const mode = await modesOf(ctx).get(ctx.from.id);
  if (mode?.side === 'staff') await modesOf(ctx).clear(ctx.from.id);
  await next();
}

async function relayPress(ctx: PressInPrivate) {
  const press = readRelayPress(ctx.callbackQuery.data);
  if (!press) {
    ctx.log.warn('malformed relay button refused');
    await ctx.answerCallbackQuery({ text: ctx.t('cur-refused-stale') });
    return;
  }
  if (press.action === 'cancel') return cancelPress(ctx);
  if (press.action === 're') return replyToMessagePress(ctx, press.id);
  return topicPress(ctx, press.id);
}

async function cancelPress(ctx: PressInPrivate) {
  await modesOf(ctx).clear(ctx.from.id);
  await ctx.answerCallbackQuery({ text: ctx.t('relay-cancelled') });
  await removePressedButtons(ctx);
}

/** «Ответить» under a relayed message: the staff member's next message answers it. */
async function replyToMessagePress(ctx: PressInPrivate, messageId: number) {
  const checked = await checkReplyToMessage(ctx.deps.db, { telegramId: ctx.from.id, messageId });
  if (!checked.ok) {
    ctx.log.warn({ messageId, reason: checked.refusal.reason }, 'relay reply button refused');
    await ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, checked.refusal) });
    return;
  }
  await openStaffMode(
    ctx,
    { side: 'staff', ...checked.target },
    checked.target.requestId === null || checked.number === null
      ? ctx.t('relay-staff-write-general')
      : ctx.t('relay-staff-write', { number: String(checked.number) }),
  );
}

/** A family member chose what to write about (`requestId` 0: a general question). */
async function topicPress(ctx: PressInPrivate, requestId: number) {
  if (!ctx.member) {
    ctx.log.warn('relay topic button from someone not in a family refused');
    await ctx.answerCallbackQuery({ text: ctx.t('relay-refused-not-family') });
    return;
  }
  let number: number | undefined;
  if (requestId === 0) {
    // An older «Общий вопрос» pressed when nobody can get one now (no curator, no supervisor to tell).
    const { curatorName, supervisors } = await writeTopicsOf(ctx.deps.db, ctx.member.familyId);
    if (curatorName === undefined && supervisors === undefined) {
      await ctx.answerCallbackQuery();
      await ctx.reply(noCuratorText(ctx, supervisors));
      return;
    }
  } else {
    number = await familyRequestNumber(ctx.deps.db, { familyId: ctx.member.familyId, requestId });
    if (number === undefined) {
      ctx.log.warn({ requestId }, 'relay topic button for another family refused');
      await ctx.answerCallbackQuery({ text: ctx.t('relay-refused-not-yours') });
      return;
    }
  }
  await modesOf(ctx).set(
    ctx.from.id,
    { side: 'family', requestId: requestId === 0 ? null : requestId, familyId: ctx.member.familyId },
    familyModeTtl(ctx),
  );
  await ctx.answerCallbackQuery();
  const about = aboutText(ctx, number);
  await ctx.reply(ctx.t('relay-family-write', { about }), { reply_markup: cancelKeyboard(ctx.t) });
}

/**
 * Mounted just before the fallback: a message that answers a relayed message or a card (Telegram reply), or
 * comes while a relay mode is on, goes to the other side. Anything else goes on down the chain.
 */
export function createRelayComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  privateChat.filter((ctx) => menuButton(ctx) === 'write_curator', askWriteTopic);

  privateChat.on('edited_message', async (ctx, next) => {
    const edited = ctx.editedMessage;
    const content = relayableContent(edited);
    if (!content) return next();
    const side = ctx.member
      ? 'family'
      : (await findRelayStaff(ctx.deps.db, ctx.from.id))
        ? 'staff'
        : undefined;
    if (!side) return next();
    const row = await recordEdit(
      { db: ctx.deps.db },
      { side, chatId: ctx.chat.id, messageId: edited.message_id, content },
    );
    if (!row) return next();
    ctx.log.info({ messageId: row.id, side }, 'relayed message edited');
  });

  privateChat.on('message', async (ctx, next) => {
    const message = ctx.msg;
    if (message.text?.startsWith('/')) return next();
    const presser = ctx.member ? undefined : await findRelayStaff(ctx.deps.db, ctx.from.id);
    if (!ctx.member && !presser) {
      // A deactivated staff member replying to a family's message: nothing goes anywhere, and they know it.
      if (!(await isDeactivatedStaff(ctx.deps.db, ctx.from.id))) return next();
      ctx.log.warn('message from a deactivated staff member not relayed');
      await ctx.reply(ctx.t('relay-refused-deactivated'));
      return;
    }
    const side = presser ? 'staff' : 'family';
    const modes = modesOf(ctx);
    const chatId = ctx.chat.id;
    const groupId = message.media_group_id;

    let target: AlbumTarget | undefined = groupId ? await modes.album(chatId, groupId) : undefined;
    let card: { chatId: number; messageId: number } | undefined;
    if (!target) {
      const found = await replyOrModeTarget(ctx, side, message);
      if (found === 'unsure') {
        // A reply to a message the bot is still recording: not guessed (the open «Ответить» may be another
        // family's); nothing went anywhere, and the mode stays for the next message.
        ctx.log.warn('staff reply to a message still being recorded; asked to send it again');
        await ctx.reply(ctx.t('relay-staff-reply-again'));
        return;
      }
      target = found?.target;
      card = found?.card;
    }
    if (!target) {
      // Staff have no menu: say how to write to a family rather than leave them with the family fallback.
      if (presser) {
        await ctx.reply(ctx.t('relay-staff-hint'));
        return;
      }
      return next();
    }

    const content = relayableContent(message);
    if (!content) {
      await ctx.reply(ctx.t(side === 'staff' ? 'relay-unsupported-staff' : 'relay-unsupported-family'));
      return;
    }
    const firstOfAlbum = groupId ? await modes.rememberAlbum(chatId, groupId, target) : true;
    if (side === 'staff') await relayStaffMessage(ctx, message, target, { card, firstOfAlbum });
    else await relayFamilyMessage(ctx, message, target, firstOfAlbum);
  });

  return composer;
}

/**
 * Where a message goes that is not an album's later item: the relayed message or card it replies to, else
 * the sender's relay mode. A staff member's reply to a fresh bot message that cannot be placed yet (its send
 * still being recorded, see `findThreadOfReply`) is `unsure` unless it answers the mode's own prompt.
 */
async function replyOrModeTarget(
  ctx: PrivateContext,
  side: 'staff' | 'family',
  message: Message,
): Promise<{ target: AlbumTarget; card?: { chatId: number; messageId: number } } | 'unsure' | undefined> {
  const mode = await modesOf(ctx).get(ctx.from!.id);
  const own = mode?.side === side ? mode : undefined;
  const replied = message.reply_to_message;
  if (replied && (!own || own.promptId !== replied.message_id)) {
    const { thread, unsure } = await findThreadOfReply(
      { db: ctx.deps.db, unrecorded: unrecordedOf(ctx) },
      side,
      ctx.chat.id,
      replied,
    );
    if (thread && (side === 'staff' || thread.familyId === ctx.member?.familyId)) return { target: thread };
    if (unsure && side === 'staff') return 'unsure';
  }
  return own ? { target: own, ...(own.card ? { card: own.card } : {}) } : undefined;
}

async function relayStaffMessage(
  ctx: BotContext,
  message: Message,
  target: AlbumTarget,
  options: {
    card: { chatId: number; messageId: number } | undefined;
    firstOfAlbum: boolean;
  },
) {
  const from = ctx.from!;
  const result = await relayFromStaff(
    { db: ctx.deps.db },
    {
      telegramId: from.id,
      chatId: ctx.chat!.id,
      messageId: message.message_id,
      target: { requestId: target.requestId, familyId: target.familyId },
      content: relayableContent(message)!,
      ...(target.replyToId !== undefined ? { replyToId: target.replyToId } : {}),
      ...(target.question ? { question: true } : {}),
    },
  );
  // «Ответить» is for the next message only, whichever way that message found its family.
  await modesOf(ctx).clear(from.id);
  if (!result.ok) {
    ctx.log.warn({ requestId: target.requestId, reason: result.refusal.reason }, 'relay to family refused');
    await ctx.reply(accessRefusalText(ctx.t, result.refusal));
    return;
  }
  ctx.log.info({ requestId: target.requestId, messageId: result.messageId }, 'message relayed to the family');
  if (!options.firstOfAlbum) return;
  const number = result.number === null ? undefined : String(result.number);
  await ctx.reply(
    target.question
      ? ctx.t('relay-staff-question-sent', { number: number ?? '—' })
      : number
        ? ctx.t('relay-staff-sent', { number })
        : ctx.t('relay-staff-sent-general'),
  );
  if (target.question && target.requestId !== null) await refreshCards(ctx, target.requestId, options.card);
}

/**
 * A family member's message to the curator, and what they are told. `sentKey`: the text that says it went
 * (relay-family-sent by default; a message typed outside «Написать куратору» says how it was routed).
 */
export async function relayFamilyMessage(
  ctx: BotContext,
  message: Message,
  target: AlbumTarget,
  firstOfAlbum: boolean,
  options: { sentKey?: 'relay-free-sent' } = {},
) {
  const member = ctx.member!;
  const result = await relayFromFamily(
    { db: ctx.deps.db },
    {
      memberId: member.id,
      familyId: member.familyId,
      chatId: ctx.chat!.id,
      messageId: message.message_id,
      requestId: target.requestId,
      content: relayableContent(message)!,
      ...(target.replyToId !== undefined ? { replyToId: target.replyToId } : {}),
    },
  );
  if (!result.ok) {
    ctx.log.warn({ requestId: target.requestId }, 'relay to curator refused: not this family’s request');
    await modesOf(ctx).clear(ctx.from!.id);
    await ctx.reply(ctx.t('relay-refused-not-yours'));
    return;
  }
  ctx.log.info(
    { requestId: target.requestId, messageId: result.messageId },
    'message relayed to the curator',
  );
  if (!firstOfAlbum) return;
  const about = aboutText(ctx, result.number);
  await ctx.reply(
    result.resumed
      ? ctx.t('relay-family-sent-resumed', { number: String(result.number) })
      : options.sentKey && result.number !== null
        ? ctx.t(options.sentKey, { number: String(result.number) })
        : ctx.t('relay-family-sent', { about }),
  );
  // Back in work: the curator's card no longer says «ждём ответа семьи».
  if (result.resumed && target.requestId !== null) await refreshCards(ctx, target.requestId);
}

/** «заявка № …» or «общий вопрос»: what a family's message is about, in the replies that mention it. */
export function aboutText(ctx: BotContext, number: number | null | undefined) {
  return number === null || number === undefined
    ? ctx.t('relay-about-general')
    : ctx.t('relay-about-request', { number: String(number) });
}

/** Shows the request as it is now on every card of it that delivery sent, and on the one pressed. */
export async function refreshCards(
  ctx: BotContext,
  requestId: number,
  pressed?: { chatId: number; messageId: number },
) {
  const view = await curatorCardView(
    { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
    requestId,
  );
  if (!view) return;
  const cards = await sentCardsOf(ctx.deps.db, requestId);
  if (pressed && !cards.some((c) => c.chatId === pressed.chatId && c.messageId === pressed.messageId)) {
    cards.push(pressed);
  }
  for (const card of cards) {
    await ctx.api
      .editMessageText(card.chatId, card.messageId, view.text, { reply_markup: view.keyboard })
      .catch((error: unknown) => ctx.log.warn({ err: error, requestId }, 'could not refresh a card'));
  }
}
