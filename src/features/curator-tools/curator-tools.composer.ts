import { createConversation } from '@grammyjs/conversations';
import type { NextFunction } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, CommandInPrivate, DialogueContext, PressInPrivate } from '../../bot/context.js';
import { editOrReply } from '../../bot/edit-or-reply.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { formatRegionTime } from '../../time.js';
import { accessRefusalText } from '../access/index.js';
import { myFamiliesContactText } from '../check-ins/index.js';
import { recordStaffView } from '../delivery/index.js';
import { recordShownCard, sendFilesWithShownCard } from '../request-card/index.js';
import { endAbsence } from './curator-tools.absence.js';
import {
  AWAY_CONVERSATION,
  awayDialogue,
  MEASURE_CONVERSATION,
  measureDialogue,
  refusalKey,
} from './curator-tools.conversation.js';
import {
  INTAKE_CONVERSATION,
  INTAKE_REQUEST_CONVERSATION,
  intakeDialogue,
  intakeRequestDialogue,
} from './curator-tools.intake.js';
import {
  familyButtons,
  familyCardKeyboard,
  familyListKeyboard,
  myButtons,
  myListKeyboard,
} from './curator-tools.keyboards.js';
import {
  activeStaff,
  checkFamilyAccess,
  type FamilyCard,
  findFamilies,
  listMyRequests,
  openRequestCard,
  parseFamilyQuery,
  type ToolsRefusal,
  viewFamilyCard,
} from './curator-tools.usecases.js';

/** The family card in the chat, recorded so that the family's erasure takes it back. */
async function showFamilyCard(
  ctx: BotContext,
  familyId: number,
  card: FamilyCard,
  /** The staff member's own message that asked for it (a search by phone or name): it names the family too. */
  askedIn?: number,
) {
  ctx.log.info({ familyId }, 'family card viewed');
  const shown = await ctx.reply(card.text, { reply_markup: familyCardKeyboard(ctx.t, familyId, card) });
  await recordStaffView(ctx.deps.db, {
    staffId: card.staffId,
    chatId: shown.chat.id,
    messageIds: [...(askedIn === undefined ? [] : [askedIn]), shown.message_id],
    familyId,
    what: 'family_card',
  });
}

/** A refusal as a reply to a command, or as a button notice; logged with ids only. */
async function refuse(ctx: BotContext, reason: ToolsRefusal, ids: Record<string, number> = {}) {
  ctx.log.warn({ ...ids, reason }, 'curator tool refused');
  const text = ctx.t(refusalKey(reason));
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text });
    return;
  }
  await ctx.reply(text, ctx.member ? { reply_markup: mainMenuKeyboard(ctx.t) } : {});
}

async function showMyPage(ctx: BotContext, page: number) {
  if (!ctx.from) return;
  const result = await listMyRequests({ db: ctx.deps.db }, { telegramId: ctx.from.id, page });
  if (!result.ok) return refuse(ctx, result.reason);
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  const timeZone = ctx.deps.config.timeZone;
  const items = result.items.map((item) => ({
    id: item.id,
    label: ctx.t('ct-my-item', {
      number: String(item.number),
      category: ctx.t('delivery-category', { category: item.category }),
      urgent: item.priority === 'urgent' ? 'yes' : 'no',
      overdue: item.overdue ? 'yes' : 'no',
      deadline: formatRegionTime(new Date(item.deadlineAt), timeZone, 'ru'),
    }),
  }));
  const text =
    result.total === 0
      ? ctx.t('ct-my-empty')
      : ctx.t('ct-my-title', {
          total: result.total,
          overdue: result.overdue,
          page: result.page + 1,
          pages: result.pages,
        });
  const contacts = await myFamiliesContactText(ctx.deps.db, ctx.t, ctx.from.id, timeZone);
  const shown = contacts ? `${text}\n\n${contacts}` : text;
  await editOrReply(ctx, shown, myListKeyboard(items, result.page, result.pages, ctx.t));
}

/**
 * The curator's tools in the staff member's private chat: `/my`, `/family`, the family card with support
 * measures, `/away` and `/back`, phone intake (`/intake`) and the staff `/help`. Mounted before the family
 * features; commands of families pass through untouched.
 */
export function createCuratorToolsComposer() {
  const composer = new Composer<BotContext>();
  composer.use(
    createConversation<BotContext, DialogueContext>(measureDialogue, {
      id: MEASURE_CONVERSATION,
    }),
  );
  composer.use(createConversation<BotContext, DialogueContext>(awayDialogue, { id: AWAY_CONVERSATION }));
  // The request on the family's behalf first: `/intake` hands over to it at its end, in the same update
  // (checkpoints.ts reenterFromDraft), so it must be registered by the time the intake runs.
  composer.use(
    createConversation<BotContext, DialogueContext>(intakeRequestDialogue, {
      id: INTAKE_REQUEST_CONVERSATION,
    }),
  );
  composer.use(createConversation<BotContext, DialogueContext>(intakeDialogue, { id: INTAKE_CONVERSATION }));
  const privateChat = composer.chatType('private');
  // Staff get their own help; everyone else goes on to the family help (menu.composer.ts).
  privateChat.command('help', helpCommand);
  privateChat.command('my', (ctx) => showMyPage(ctx, 0));
  privateChat.callbackQuery(myButtons.filter, myPress);
  privateChat.command('family', familyCommand);
  privateChat.callbackQuery(familyButtons.filter, familyPress);
  privateChat.command('away', awayCommand);
  privateChat.command('back', backCommand);
  privateChat.command('intake', intakeCommand);
  return composer;
}

async function helpCommand(ctx: CommandInPrivate, next: NextFunction) {
  const staff = await activeStaff(ctx.deps.db, ctx.from.id);
  if (!staff) return next();
  await ctx.reply(ctx.t('ct-help', { role: staff.role }));
}

/** A request of `/my`: its card, as a curator gets it from delivery. */
async function myPress(ctx: PressInPrivate) {
  const press = myButtons.decode(ctx.callbackQuery.data);
  if (!press) return refuse(ctx, 'not_found');
  if (press.kind === 'page') return showMyPage(ctx, press.page);
  const requestId = press.requestId;
  const result = await openRequestCard(
    { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
    { telegramId: ctx.from.id, requestId },
  );
  if (!result.ok) {
    ctx.log.warn({ requestId, reason: result.refusal.reason }, 'curator tool refused');
    await ctx.answerCallbackQuery({ text: accessRefusalText(ctx.t, result.refusal) });
    return;
  }
  await ctx.answerCallbackQuery();
  const shown = await ctx.reply(result.text, { reply_markup: result.keyboard });
  // A Telegram reply to this card goes to the family, as to a card that came by itself; the family's
  // files follow the card.
  await recordShownCard(ctx.deps.db, {
    requestId,
    staffId: result.staffId,
    chatId: ctx.chat.id,
    telegramMessageId: shown.message_id,
  });
  await sendFilesWithShownCard(ctx.deps.db, {
    requestId,
    staffId: result.staffId,
    cardMessageId: shown.message_id,
  });
}

async function familyCommand(ctx: CommandInPrivate) {
  const staff = await activeStaff(ctx.deps.db, ctx.from.id);
  if (!staff) return refuse(ctx, 'not_staff');
  const query = parseFamilyQuery(ctx.match);
  if (!query) {
    await ctx.reply(ctx.t('ct-family-usage'));
    return;
  }
  const found = await findFamilies({ db: ctx.deps.db }, { telegramId: ctx.from.id, query });
  if (!found.ok) return refuse(ctx, found.reason);
  if (found.families.length === 0) {
    await ctx.reply(ctx.t('ct-family-none'));
    return;
  }
  if (found.families.length === 1) {
    const familyId = found.families[0]!.familyId;
    const card = await viewFamilyCard(
      { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
      { telegramId: ctx.from.id, familyId, via: `family_${query.kind}` },
    );
    if (!card.ok) return refuse(ctx, card.reason, { familyId });
    await showFamilyCard(ctx, familyId, card, ctx.msg.message_id);
    return;
  }
  const list = await ctx.reply(ctx.t('ct-family-several', { more: found.more ? 'yes' : 'no' }), {
    reply_markup: familyListKeyboard(
      found.families.map((f) => ({
        familyId: f.familyId,
        label: ctx.t('ct-family-list-item', { name: f.name ?? '—', district: f.district }),
      })),
    ),
  });
  // The list names the families (on its buttons): each family's erasure takes it back.
  for (const family of found.families) {
    await recordStaffView(ctx.deps.db, {
      staffId: staff.id,
      chatId: ctx.chat.id,
      messageIds: [ctx.msg.message_id, list.message_id],
      familyId: family.familyId,
      what: 'search',
    });
  }
}

/** A family of the `/family` list, or a family card's «Новая заявка» / «Меры поддержки». */
async function familyPress(ctx: PressInPrivate) {
  const press = familyButtons.decode(ctx.callbackQuery.data);
  if (!press) return refuse(ctx, 'not_found');
  const { familyId, action } = press;
  if (action === 'card') {
    const card = await viewFamilyCard(
      { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
      { telegramId: ctx.from.id, familyId, via: 'family_list' },
    );
    if (!card.ok) return refuse(ctx, card.reason, { familyId });
    await ctx.answerCallbackQuery();
    await showFamilyCard(ctx, familyId, card);
    return;
  }
  const allowed = await checkFamilyAccess(
    { db: ctx.deps.db },
    { telegramId: ctx.from.id, familyId, curatorOnly: action === 'request' },
  );
  if (!allowed.ok) return refuse(ctx, allowed.reason, { familyId });
  await ctx.answerCallbackQuery();
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  if (action === 'request') await ctx.conversation.enter(INTAKE_REQUEST_CONVERSATION, familyId);
  else await ctx.conversation.enter(MEASURE_CONVERSATION, familyId);
}

async function awayCommand(ctx: CommandInPrivate) {
  const staff = await activeStaff(ctx.deps.db, ctx.from.id);
  if (!staff) return refuse(ctx, 'not_staff');
  if (staff.role !== 'curator') return refuse(ctx, 'wrong_role');
  await ctx.conversation.enter(AWAY_CONVERSATION);
}

async function backCommand(ctx: CommandInPrivate) {
  const staff = await activeStaff(ctx.deps.db, ctx.from.id);
  if (!staff) return refuse(ctx, 'not_staff');
  const result = await endAbsence({ db: ctx.deps.db }, { telegramId: ctx.from.id });
  if (!result.ok) return refuse(ctx, result.reason);
  ctx.log.info({ staffId: staff.id }, 'curator back from absence');
  await ctx.reply(ctx.t(result.wasAway ? 'ct-back-done' : 'ct-back-not-away'));
}

async function intakeCommand(ctx: CommandInPrivate) {
  const staff = await activeStaff(ctx.deps.db, ctx.from.id);
  if (!staff) return refuse(ctx, 'not_staff');
  if (staff.role !== 'curator') return refuse(ctx, 'wrong_role');
  await ctx.conversation.enter(INTAKE_CONVERSATION);
}
