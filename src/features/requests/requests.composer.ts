import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext, DialogueContext } from '../../bot/context.js';
import { editOrReply } from '../../bot/edit-or-reply.js';
import { menuButton } from '../../bot/main-menu.js';
import { formatRegionTime } from '../../time.js';
import { loadSupportMeasuresCatalogues } from '../support-measures/support-measures.catalogue.js';
import { requestDialogue } from './requests.conversation.js';
import {
  cancelConfirmKeyboard,
  measureButtonsFilter,
  measureCallback,
  readMeasurePress,
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
 * reopen, rating) and «Меры поддержки». Mounted by create-bot.ts after the conversations plugin.
 */
export function createRequestsComposer() {
  const catalogues = loadSupportMeasuresCatalogues();
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

  privateChat.filter(
    (ctx) => menuButton(ctx) === 'need_help',
    async (ctx) => {
      if (!ctx.member) {
        await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await ctx.conversation.enter(REQUEST_CONVERSATION);
    },
  );

  privateChat.filter(
    (ctx) => menuButton(ctx) === 'my_requests',
    async (ctx) => {
      if (!ctx.member) {
        await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await showRequestsPage(ctx as Registered, 0);
    },
  );

  const measuresList = (ctx: BotContext) => {
    const catalogue = catalogues[ctx.language];
    const keyboard = new InlineKeyboard();
    for (const measure of catalogue.measures)
      keyboard.text(measure.title, measureCallback.measure(measure.code)).row();
    const lines = catalogue.measures.map((measure) => `• ${measure.title} — ${measure.summary}`);
    return { text: `${ctx.t('sm-title')}\n\n${lines.join('\n')}\n\n${catalogue.note}`, keyboard };
  };

  privateChat.filter(
    (ctx) => menuButton(ctx) === 'support_measures',
    async (ctx) => {
      const { text, keyboard } = measuresList(ctx);
      await ctx.reply(text, { reply_markup: keyboard });
    },
  );

  composer.callbackQuery(measureButtonsFilter, async (ctx) => {
    const press = readMeasurePress(ctx.callbackQuery.data);
    if (!press) {
      await ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
      return;
    }
    if (press.kind === 'list') {
      await ctx.answerCallbackQuery();
      const { text, keyboard } = measuresList(ctx);
      await editOrReply(ctx, text, keyboard);
      return;
    }
    const { code, startRequest } = press;
    const measure = catalogues[ctx.language].measures.find((candidate) => candidate.code === code);
    if (!measure) {
      await ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
      return;
    }
    await ctx.answerCallbackQuery();
    if (startRequest) {
      if (!ctx.member) {
        await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      await ctx.conversation.enter(REQUEST_CONVERSATION, measure.requestCategory);
      return;
    }
    const keyboard = new InlineKeyboard()
      .text(ctx.t('sm-start-request'), measureCallback.startRequest(measure.code))
      .row()
      .text(ctx.t('sm-back'), measureCallback.list);
    await editOrReply(ctx, `${measure.title}\n\n${measure.details}\n\n${ctx.t('sm-how-to-get')}`, keyboard);
  });

  composer.callbackQuery(requestButtonsFilter, async (ctx) => {
    const data = ctx.callbackQuery.data;
    const member = ctx.member;
    if (!member) {
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
    const { requestId, action, rating } = press;
    const deps = {
      db: ctx.deps.db,
      timeZone: ctx.deps.config.timeZone,
      policies: ctx.deps.config.deadlinePolicies,
    };
    const ids = { familyId: member.familyId, memberId: member.id, requestId };
    // Every action re-checks on the server that the request is this family's: a forged id finds nothing.
    const refuseForeign = async () => {
      ctx.log.warn({ requestId, action }, 'request button for a request outside the family refused');
      await ctx.answerCallbackQuery({ text: ctx.t('req-not-found') });
    };

    switch (action) {
      case 'open': {
        if (!(await findFamilyRequest(ctx.deps.db, { familyId: member.familyId, requestId }))) {
          return refuseForeign();
        }
        await ctx.answerCallbackQuery();
        await showRequestCard(registered, requestId);
        return;
      }
      case 'cancel': {
        const request = await findFamilyRequest(ctx.deps.db, { familyId: member.familyId, requestId });
        if (!request) return refuseForeign();
        await ctx.answerCallbackQuery();
        if (!cancellableStatuses.includes(request.status)) {
          await showRequestCard(registered, requestId);
          return;
        }
        await editOrReply(
          ctx,
          ctx.t('req-cancel-question', { number: String(request.number) }),
          cancelConfirmKeyboard(ctx.t, requestId),
        );
        return;
      }
      case 'cancel_yes': {
        const result = await cancelRequest(deps, ids);
        if (!result.ok && result.reason === 'not_found') return refuseForeign();
        await ctx.answerCallbackQuery({ text: ctx.t(result.ok ? 'req-cancelled' : 'req-cannot-cancel') });
        if (!result.ok) return;
        ctx.log.info({ requestId }, 'request cancelled by family');
        await showRequestCard(registered, requestId);
        return;
      }
      case 'reopen': {
        const result = await reopenRequest(deps, ids);
        if (!result.ok && result.reason === 'not_found') return refuseForeign();
        await ctx.answerCallbackQuery({ text: ctx.t(result.ok ? 'req-reopened' : 'req-cannot-reopen') });
        if (!result.ok) return;
        ctx.log.info({ requestId }, 'request reopened by family');
        await showRequestCard(registered, requestId);
        return;
      }
      case 'rate': {
        const result = await rateRequest(deps, { ...ids, rating: rating ?? 0 });
        if (!result.ok && result.reason === 'not_found') return refuseForeign();
        if (!result.ok) {
          await ctx.answerCallbackQuery({ text: ctx.t('req-cannot-rate') });
          return;
        }
        ctx.log.info({ requestId, rating }, 'request rated by family');
        await ctx.answerCallbackQuery({ text: ctx.t('req-rated', { rating: rating ?? 0 }) });
        await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
        if (noDialogueActive(ctx)) {
          await ctx.conversation.enter(RATING_COMMENT_CONVERSATION, requestId, result.number, rating);
        } else {
          await ctx.reply(ctx.t('req-rating-thanks', { number: String(result.number) }));
        }
        return;
      }
    }
  });

  return composer;
}
