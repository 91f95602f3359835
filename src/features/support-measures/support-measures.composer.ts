import type { CallbackQueryContext } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { editOrReply, removePressedButtons } from '../../bot/edit-or-reply.js';
import { menuButton } from '../../bot/main-menu.js';
import { regionDate } from '../../time.js';
import { measureSource, REQUEST_CONVERSATION } from '../requests/index.js';
import {
  measureButtonsFilter,
  measureKeyboard,
  measuresKeyboard,
  readMeasurePress,
} from './support-measures.keyboards.js';
import { familyMeasuresText, measureText } from './support-measures.render.js';
import { familyMeasures } from './support-measures.usecases.js';

type Registered = BotContext & { member: NonNullable<BotContext['member']> };

const today = (ctx: BotContext) => regionDate(new Date(), ctx.deps.config.timeZone);

async function showList(ctx: Registered) {
  const view = await familyMeasures(ctx.deps.db, ctx.member.familyId, today(ctx));
  await editOrReply(
    ctx,
    familyMeasuresText(ctx.t, view),
    measuresKeyboard([...view.eligible, ...view.others]),
  );
}

async function refuseUnregistered(ctx: BotContext) {
  await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
}

/** A measure, or «Хочу оформить»: the request dialogue of the measure's category, about this family. */
async function measurePress(ctx: CallbackQueryContext<BotContext>) {
  const press = readMeasurePress(ctx.callbackQuery.data);
  if (!press) return ctx.answerCallbackQuery({ text: ctx.t('dialogue-hint-stale-button') });
  if (!ctx.member) {
    await ctx.answerCallbackQuery();
    return refuseUnregistered(ctx);
  }
  const registered = ctx as Registered;
  if (press.kind === 'list') {
    await ctx.answerCallbackQuery();
    return showList(registered);
  }
  const view = await familyMeasures(ctx.deps.db, registered.member.familyId, today(ctx));
  const received = view.received.some((m) => m.code === press.code);
  const measure = [...view.eligible, ...view.others].find((m) => m.code === press.code);
  if (!measure) return ctx.answerCallbackQuery({ text: ctx.t('sm-gone') });
  await ctx.answerCallbackQuery();
  if (press.startRequest && !received) {
    ctx.log.info(
      { measure: measure.code, category: measure.requestCategory },
      'request started from a measure',
    );
    await removePressedButtons(ctx);
    await ctx.conversation.enter(REQUEST_CONVERSATION, measure.requestCategory, measureSource(measure.code));
    return;
  }
  const state = view.eligible.includes(measure) ? 'eligible' : 'other';
  await editOrReply(ctx, measureText(ctx.t, measure, state), measureKeyboard(ctx.t, measure, received));
}

/**
 * «Меры поддержки» for a family: personalised from its social passport (support-measures.usecases.ts),
 * each measure with how to get it, and «Хочу оформить» opening the request dialogue of its category.
 */
export function createSupportMeasuresComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').filter(
    (ctx) => menuButton(ctx) === 'support_measures',
    async (ctx) => (ctx.member ? showList(ctx as Registered) : refuseUnregistered(ctx)),
  );
  composer.callbackQuery(measureButtonsFilter, measurePress);
  return composer;
}
