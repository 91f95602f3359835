import { InputFile } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, PressInPrivate } from '../../bot/context.js';
import { editOrReply } from '../../bot/edit-or-reply.js';
import { calendarFor, cancelByFamily, daySlotsFor, familyMayChange } from './psychologists.booking.js';
import { offerContent } from './psychologists.content.js';
import { pressSlot } from './psychologists.family.js';
import {
  bookedKeyboard,
  calendarKeyboard,
  cancelSureKeyboard,
  familyButtons,
  formatKeyboard,
  fromDay,
  fromMinute,
  slotsKeyboard,
} from './psychologists.keyboards.js';
import { shortDay } from './psychologists.views.js';

type Press = NonNullable<ReturnType<typeof familyButtons.decode>>;

const depsOf = (ctx: BotContext) => ({
  db: ctx.deps.db,
  timeZone: ctx.deps.config.timeZone,
  linkTemplate: ctx.deps.config.psyVideoLinkTemplate,
});

/** The family's buttons of a consultation: slots, the calendar, the format, moving and cancelling. */
export function createConsultationFamilyComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').callbackQuery(familyButtons.filter, familyPress);
  return composer;
}

async function familyPress(ctx: PressInPrivate) {
  const press = familyButtons.decode(ctx.callbackQuery.data);
  const familyId = ctx.member?.familyId;
  if (!press || familyId === undefined) {
    await ctx.answerCallbackQuery({ text: ctx.t('psy-stale') });
    return;
  }
  await ctx.answerCallbackQuery();
  if (press.kind === 'slot' || press.kind === 'format') return book(ctx, familyId, press);
  if (press.kind === 'calendar') return showCalendar(ctx, familyId, press.requestId);
  if (press.kind === 'day') return showDay(ctx, familyId, press);
  if (press.kind === 'move') return move(ctx, familyId, press.consultationId);
  if (press.kind === 'cancel') {
    await editOrReply(ctx, ctx.t('psy-cancel-sure'), cancelSureKeyboard(ctx.t, press.consultationId));
    return;
  }
  const result = await cancelByFamily(depsOf(ctx), { familyId, consultationId: press.consultationId });
  ctx.log.info({ consultationId: press.consultationId, ok: result.ok }, 'consultation cancelled by family');
  if (!result.ok) return editOrReply(ctx, ctx.t(`psy-refused-${result.reason.replace('_', '-')}`));
  const calendar = familyButtons.encode('calendar', { requestId: result.requestId });
  await editOrReply(ctx, ctx.t('psy-cancelled-by-family'), {
    inline_keyboard: [[{ text: ctx.t('psy-btn-book-again'), callback_data: calendar }]],
  });
}

async function book(
  ctx: PressInPrivate,
  familyId: number,
  press: Extract<Press, { kind: 'slot' | 'format' }>,
) {
  const input = {
    familyId,
    requestId: press.requestId,
    staffId: press.staffId,
    startsAt: fromMinute(press.at),
    ...(press.kind === 'format' ? { format: press.format } : {}),
  };
  const result = await pressSlot(depsOf(ctx), ctx.t, input);
  ctx.log.info({ requestId: press.requestId, ok: result.ok }, 'consultation slot pressed');
  if (!result.ok && result.reason === 'choose_format') {
    const keyboard = formatKeyboard(ctx.t, { ...press, formats: result.formats });
    return editOrReply(ctx, ctx.t('psy-ask-format'), keyboard);
  }
  if (!result.ok && result.reason === 'closed') return editOrReply(ctx, ctx.t('psy-refused-closed'));
  if (!result.ok) {
    const fresh = await offerContent(depsOf(ctx), ctx.t, press.requestId, `${ctx.t('psy-slot-taken')}\n\n`);
    return editOrReply(ctx, fresh?.text ?? ctx.t('psy-slot-taken'), fresh?.replyMarkup);
  }
  const { confirmation } = result;
  await editOrReply(ctx, confirmation.text, bookedKeyboard(ctx.t, confirmation.consultationId));
  await ctx.replyWithDocument(new InputFile(Buffer.from(confirmation.ics), 'consultation.ics'), {
    caption: ctx.t('psy-ics-caption'),
  });
}

async function showCalendar(ctx: PressInPrivate, familyId: number, requestId: number) {
  const days = await calendarFor(depsOf(ctx), requestId, familyId);
  if (!days) return editOrReply(ctx, ctx.t('psy-refused-closed'));
  if (days.length === 0) {
    const waiting = await offerContent(depsOf(ctx), ctx.t, requestId);
    return editOrReply(ctx, waiting?.text ?? ctx.t('psy-refused-closed'));
  }
  await editOrReply(ctx, ctx.t('psy-ask-day'), calendarKeyboard(ctx.t, requestId, days));
}

async function showDay(ctx: PressInPrivate, familyId: number, press: Extract<Press, { kind: 'day' }>) {
  const isoDate = fromDay(press.day);
  const slots = await daySlotsFor(depsOf(ctx), press.requestId, familyId, isoDate);
  if (!slots) return editOrReply(ctx, ctx.t('psy-refused-closed'));
  if (slots.length === 0) return showCalendar(ctx, familyId, press.requestId);
  const keyboard = slotsKeyboard(ctx.t, {
    requestId: press.requestId,
    slots,
    timeZone: ctx.deps.config.timeZone,
    withDay: false,
  });
  await editOrReply(ctx, ctx.t('psy-ask-time', { day: shortDay(ctx.t, isoDate) }), keyboard);
}

async function move(ctx: PressInPrivate, familyId: number, consultationId: number) {
  const state = await familyMayChange(depsOf(ctx), { familyId, consultationId });
  if (!state) return editOrReply(ctx, ctx.t('psy-refused-not-found'));
  if (!state.inTime) return editOrReply(ctx, ctx.t('psy-refused-too-late'));
  const offer = await offerContent(depsOf(ctx), ctx.t, state.requestId, `${ctx.t('psy-move-intro')}\n\n`);
  await editOrReply(ctx, offer?.text ?? ctx.t('psy-refused-closed'), offer?.replyMarkup);
}
