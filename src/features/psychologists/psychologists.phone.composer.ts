import { Composer } from '../../bot/composer.js';
import type { BotContext, PressInPrivate } from '../../bot/context.js';
import { phoneButtons, phoneSlotsKeyboard } from './psychologists.keyboards.js';
import { bookForPhoneFamily, phoneSlots } from './psychologists.phone.js';
import { longMoment } from './psychologists.views.js';

const bookingDeps = (ctx: BotContext) => ({ db: ctx.deps.db, timeZone: ctx.deps.config.timeZone });

/** A curator books a consultation for a family reached by phone: «Записать к психологу» → a slot. */
export function createPhoneBookingComposer() {
  const composer = new Composer<BotContext>();
  composer.chatType('private').callbackQuery(phoneButtons.filter, phonePress);
  return composer;
}

async function phonePress(ctx: PressInPrivate) {
  const press = phoneButtons.decode(ctx.callbackQuery.data);
  if (!press) return ctx.answerCallbackQuery();
  await ctx.answerCallbackQuery();
  const input = { telegramId: ctx.from.id, requestId: press.requestId };
  if (press.kind === 'open') {
    const result = await phoneSlots(bookingDeps(ctx), input);
    if (!result.ok) return ctx.reply(ctx.t('psy-phone-refused', { reason: result.reason }));
    const keyboard = phoneSlotsKeyboard(ctx.t, {
      ...input,
      slots: result.slots,
      timeZone: ctx.deps.config.timeZone,
    });
    return ctx.reply(ctx.t('psy-phone-slots'), { reply_markup: keyboard });
  }
  const startsAt = new Date(press.at * 60_000);
  const result = await bookForPhoneFamily(bookingDeps(ctx), { ...input, staffId: press.staffId, startsAt });
  ctx.log.info(
    { requestId: press.requestId, outcome: result.ok ? 'booked' : result.reason },
    'phone booking',
  );
  if (!result.ok) return ctx.reply(ctx.t('psy-phone-refused', { reason: result.reason }));
  const { consultation, psychologist } = result.booking;
  await ctx.reply(
    ctx.t('psy-phone-booked', {
      moment: longMoment(ctx.t, consultation.startsAt, ctx.deps.config.timeZone),
      psychologist: psychologist.fullName,
      format: consultation.format,
    }),
  );
}
