import { createConversation } from '@grammyjs/conversations';
import type { CallbackQueryContext } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, DialogueContext } from '../../bot/context.js';
import { editOrReply, removePressedButtons } from '../../bot/edit-or-reply.js';
import { menuButton } from '../../bot/main-menu.js';
import { formatRegionTime } from '../../time.js';
import { requestDialogue } from './requests.conversation.js';
import {
  cancelConfirmKeyboard,
  readRequestPress,
  readRequestsPage,
  requestButtonsFilter,
  requestCardKeyboard,
  requestsListKeyboard,
} from './requests.keyboards.js';
import { RATING_COMMENT_CONVERSATION, ratingCommentDialogue } from './requests.rating.js';
import { REQUEST_CONVERSATION } from './requests.steps.js';
import {
  cancellableStatuses,
  cancelRequest,
  familyRequestCard,
  familyRequestsPage,
  findFamilyRequest,
  rateRequest,
  reopenRequest,
} from './requests.usecases.js';
import { cardText, listText } from './requests.views.js';

const PAGE_SIZE = 5;

type Registered = BotContext & { member: NonNullable<BotContext['member']> };

async function showRequestsPage(ctx: Registered, requestedPage: number) {
  const { items, page, pages } = await familyRequestsPage(ctx.deps.db, {
    familyId: ctx.member.familyId,
    page: requestedPage,
    pageSize: PAGE_SIZE,
  });
  const format = (date: Date) => formatRegionTime(date, ctx.deps.config.timeZone, ctx.language);
  await editOrReply(
    ctx,
    listText(ctx.t, items, page, pages, format),
    requestsListKeyboard(ctx.t, items, page, pages),
  );
}

async function showRequestCard(ctx: Registered, requestId: number) {
  const card = await familyRequestCard(ctx.deps.db, { familyId: ctx.member.familyId, requestId });
  if (!card) return false;
  const text = cardText(ctx.t, ctx.language, ctx.deps.config.timeZone, card.request, card.details);
  await editOrReply(ctx, text, requestCardKeyboard(ctx.t, card.request, card.may));
  return true;
}

function noDialogueActive(ctx: BotContext): boolean {
  return Object.keys(ctx.conversation.active()).length === 0;
}

/**
 * The family's requests: «Нужна помощь» (the nine request dialogues), «Мои заявки» (list, card, cancel,
 * reopen, rating). Mounted by create-bot.ts after the conversations plugin.
 */
export function createRequestsComposer() {
  const composer = new Composer<BotContext>();
  composer.use(
    createConversation<BotContext, DialogueContext>(requestDialogue, { id: REQUEST_CONVERSATION }),
  );
  composer.use(
    createConversation<BotContext, DialogueContext>(ratingCommentDialogue, {
      id: RATING_COMMENT_CONVERSATION,
    }),
  );
  const privateChat = composer.chatType('private');
  privateChat.filter((ctx) => menuButton(ctx) === 'need_help', needHelpButton);
  privateChat.filter((ctx) => menuButton(ctx) === 'my_requests', myRequestsButton);
  composer.callbackQuery(requestButtonsFilter, requestPress);
  return composer;
}

async function needHelpButton(ctx: BotContext) {
  if (!ctx.member) {
    await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
    return;
  }
  await ctx.conversation.enter(REQUEST_CONVERSATION);
}

async function myRequestsButton(ctx: BotContext) {
  if (!ctx.member) {
    await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
    return;
  }
  await showRequestsPage(ctx as Registered, 0);
}

type FamilyPress = NonNullable<ReturnType<typeof readRequestPress>>;

async function requestPress(ctx: CallbackQueryContext<BotContext>) {
  const data = ctx.callbackQuery.data;
  if (!ctx.member) {
    await ctx.answerCallbackQuery({ text: ctx.t('menu-register-first') });
    return;
  }
  const registered = ctx as Registered;
  const page = readRequestsPage(data);
  if (page !== undefined) {
    await ctx.answerCallbackQuery();
    await showRequestsPage(registered, page);
    return;
  }
  const press = readRequestPress(data);
  if (!press) {
    ctx.log.warn('malformed request button refused');
    await ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
    return;
  }
  switch (press.action) {
    case 'open':
      return openPress(registered, press);
    case 'cancel':
      return cancelPress(registered, press);
    case 'cancel_yes':
    case 'reopen':
      return changeStatusPress(registered, press);
    case 'rate':
      return ratePress(registered, press);
  }
}

/** Every action re-checks on the server that the request is this family's: a forged id finds nothing. */
async function refuseForeign(ctx: BotContext, { requestId, action }: FamilyPress) {
  ctx.log.warn({ requestId, action }, 'request button for a request outside the family refused');
  await ctx.answerCallbackQuery({ text: ctx.t('req-not-found') });
}

const familyDeps = (ctx: BotContext) => ({
  db: ctx.deps.db,
  timeZone: ctx.deps.config.timeZone,
  policies: ctx.deps.config.deadlinePolicies,
});
const familyIds = (ctx: Registered, press: FamilyPress) => ({
  familyId: ctx.member.familyId,
  memberId: ctx.member.id,
  requestId: press.requestId,
});

async function openPress(ctx: Registered, press: FamilyPress) {
  const { requestId } = press;
  if (!(await findFamilyRequest(ctx.deps.db, { familyId: ctx.member.familyId, requestId }))) {
    return refuseForeign(ctx, press);
  }
  await ctx.answerCallbackQuery();
  await showRequestCard(ctx, requestId);
}

async function cancelPress(ctx: Registered, press: FamilyPress) {
  const { requestId } = press;
  const request = await findFamilyRequest(ctx.deps.db, { familyId: ctx.member.familyId, requestId });
  if (!request) return refuseForeign(ctx, press);
  await ctx.answerCallbackQuery();
  if (!cancellableStatuses.includes(request.status)) {
    await showRequestCard(ctx, requestId);
    return;
  }
  await editOrReply(
    ctx,
    ctx.t('req-cancel-question', { number: String(request.number) }),
    cancelConfirmKeyboard(ctx.t, requestId),
  );
}

/** «Да, отменить» and «Открыть снова»: the request changes status, and the card shows it. */
async function changeStatusPress(ctx: Registered, press: FamilyPress) {
  const { requestId } = press;
  const cancel = press.action === 'cancel_yes';
  const result = cancel
    ? await cancelRequest(familyDeps(ctx), familyIds(ctx, press))
    : await reopenRequest(familyDeps(ctx), familyIds(ctx, press));
  if (!result.ok && result.reason === 'not_found') return refuseForeign(ctx, press);
  const [done, refused] = cancel
    ? (['req-cancelled', 'req-cannot-cancel'] as const)
    : (['req-reopened', 'req-cannot-reopen'] as const);
  await ctx.answerCallbackQuery({ text: ctx.t(result.ok ? done : refused) });
  if (!result.ok) return;
  ctx.log.info({ requestId }, cancel ? 'request cancelled by family' : 'request reopened by family');
  await showRequestCard(ctx, requestId);
}

async function ratePress(ctx: Registered, press: FamilyPress) {
  const { requestId, rating } = press;
  const result = await rateRequest(familyDeps(ctx), { ...familyIds(ctx, press), rating: rating ?? 0 });
  if (!result.ok && result.reason === 'not_found') return refuseForeign(ctx, press);
  if (!result.ok) {
    await ctx.answerCallbackQuery({ text: ctx.t('req-cannot-rate') });
    return;
  }
  ctx.log.info({ requestId, rating }, 'request rated by family');
  await ctx.answerCallbackQuery({ text: ctx.t('req-rated', { rating: rating ?? 0 }) });
  await removePressedButtons(ctx);
  if (noDialogueActive(ctx)) {
    await ctx.conversation.enter(RATING_COMMENT_CONVERSATION, requestId, result.number, rating);
  } else {
    await ctx.reply(ctx.t('req-rating-thanks', { number: String(result.number) }));
  }
}
