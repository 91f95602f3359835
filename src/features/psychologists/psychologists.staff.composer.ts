import type { NextFunction } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, CommandInPrivate, PressInPrivate } from '../../bot/context.js';
import { editOrReply } from '../../bot/edit-or-reply.js';
import { agendaView } from './psychologists.agenda.js';
import { agendaKeyboard, reasonsKeyboard, staffButtons } from './psychologists.keyboards.js';
import { changeSchedule, psychologistByTelegramId, type ScheduleChange } from './psychologists.schedule.js';
import {
  agendaOf,
  cancelByPsychologist,
  markOutcome,
  openNotes,
  recordShownToPsychologist,
  saveNotes,
} from './psychologists.staff.js';
import { scheduleText } from './psychologists.views.js';

const bookingDeps = (ctx: BotContext) => ({ db: ctx.deps.db, timeZone: ctx.deps.config.timeZone });

type StaffRefusal = Extract<
  Awaited<ReturnType<typeof markOutcome> | ReturnType<typeof cancelByPsychologist>>,
  { ok: false }
>['reason'];

/**
 * What a psychologist reads when a booking's button is refused: texts of their own, never the families'
 * psy-refused-* (which point to «Мои заявки» or «Нужна помощь»). A booking no longer open points to /week.
 */
const staffRefusals = {
  not_found: 'psy-staff-refused-not-found',
  closed: 'psy-staff-refused-not-found',
  not_psychologist: 'psy-staff-refused-not-psychologist',
  not_yet: 'psy-staff-refused-not-yet',
} as const satisfies Record<StaffRefusal, string>;

/**
 * A psychologist's tools in their private chat: the schedule (`/schedule`, `/hours`, `/slot`, `/formats`,
 * `/address`, `/dayoff`), the day and week (`/today`, `/week`), outcomes, cancelling, notes (`/note`), and
 * their `/help`. Anyone else's command goes on to the next composer.
 */
export function createPsychologistComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  privateChat.command('help', help);
  privateChat.command('schedule', (ctx, next) => schedule(ctx, next));
  for (const kind of ['hours', 'slot', 'formats', 'address', 'dayoff'] as const) {
    privateChat.command(kind, (ctx, next) => schedule(ctx, next, { kind, text: ctx.match }));
  }
  privateChat.command('today', (ctx, next) => agenda(ctx, next, 'today'));
  privateChat.command('week', (ctx, next) => agenda(ctx, next, 'week'));
  privateChat.command('note', note);
  privateChat.callbackQuery(staffButtons.filter, staffPress);
  return composer;
}

async function help(ctx: CommandInPrivate, next: NextFunction) {
  if (!(await psychologistByTelegramId(ctx.deps.db, ctx.from.id))) return next();
  await ctx.reply(ctx.t('psy-help'));
}

async function schedule(ctx: CommandInPrivate, next: NextFunction, change?: ScheduleChange) {
  const result = await changeSchedule(ctx.deps.db, ctx.from.id, change);
  if (!result.ok && result.reason === 'not_psychologist') return next();
  if (!result.ok) return ctx.reply(ctx.t(`psy-hint-${change!.kind}`));
  ctx.log.info({ change: change?.kind }, 'psychologist schedule');
  const saved = change ? `${ctx.t('psy-schedule-saved')}\n\n` : '';
  await ctx.reply(`${saved}${scheduleText(ctx.t, result.schedule)}\n\n${ctx.t('psy-schedule-how')}`);
}

async function agenda(ctx: CommandInPrivate, next: NextFunction, span: 'today' | 'week') {
  const result = await agendaOf(bookingDeps(ctx), ctx.from.id, span);
  if (!result.ok) return next();
  if (result.rows.length === 0) return ctx.reply(ctx.t('psy-agenda-empty', { span }));
  const view = agendaView(ctx.t, result.rows, span, ctx.deps.config.timeZone);
  const sent = await ctx.reply(view.text, { reply_markup: view.keyboard });
  await recordShownToPsychologist(ctx.deps.db, {
    staffId: result.staffId,
    chatId: ctx.chat.id,
    messageId: sent.message_id,
    what: 'agenda',
    shown: result.rows.map((row) => ({ familyId: row.consultation.familyId })),
  });
}

async function note(ctx: CommandInPrivate, next: NextFunction) {
  const [idText = '', ...words] = ctx.match.trim().split(/\s+/);
  const consultationId = Number(idText);
  if (!Number.isSafeInteger(consultationId) || consultationId <= 0 || words.length === 0) {
    if (!(await psychologistByTelegramId(ctx.deps.db, ctx.from.id))) return next();
    return ctx.reply(ctx.t('psy-hint-note'));
  }
  const result = await saveNotes(ctx.deps.db, {
    telegramId: ctx.from.id,
    consultationId,
    text: words.join(' '),
    typed: { chatId: ctx.chat.id, messageId: ctx.msg.message_id },
  });
  if (!result.ok && result.reason === 'not_psychologist') return next();
  await ctx.reply(
    result.ok ? ctx.t('psy-note-saved') : ctx.t('psy-note-not-found', { number: String(consultationId) }),
  );
}

async function staffPress(ctx: PressInPrivate) {
  const press = staffButtons.decode(ctx.callbackQuery.data);
  if (!press) return ctx.answerCallbackQuery({ text: ctx.t('psy-stale') });
  const telegramId = ctx.from.id;
  const { consultationId } = press;
  if (press.kind === 'cancel') {
    await ctx.answerCallbackQuery();
    return editOrReply(ctx, ctx.t('psy-ask-reason'), reasonsKeyboard(ctx.t, consultationId));
  }
  if (press.kind === 'view') {
    await ctx.answerCallbackQuery();
    return ctx.reply(ctx.t('psy-view', { consultationId }), {
      reply_markup: agendaKeyboard(ctx.t, consultationId, 'booked'),
    });
  }
  if (press.kind === 'notes') {
    const result = await openNotes(ctx.deps.db, { telegramId, consultationId });
    await ctx.answerCallbackQuery();
    if (!result.ok) return ctx.reply(ctx.t('psy-notes-refused'));
    ctx.log.info({ consultationId }, 'consultation notes opened');
    if (!result.notes) return ctx.reply(ctx.t('psy-notes-empty', { consultationId }));
    const sent = await ctx.reply(ctx.t('psy-notes', { consultationId, notes: result.notes }));
    return recordShownToPsychologist(ctx.deps.db, {
      staffId: result.staffId,
      chatId: ctx.chat.id,
      messageId: sent.message_id,
      what: 'notes',
      shown: [{ familyId: result.familyId, consultationId }],
    });
  }
  const result =
    press.kind === 'outcome'
      ? await markOutcome(bookingDeps(ctx), { telegramId, consultationId, outcome: press.outcome })
      : await cancelByPsychologist(bookingDeps(ctx), { telegramId, consultationId, reason: press.reason });
  ctx.log.info({ consultationId, kind: press.kind, ok: result.ok }, 'psychologist marked a consultation');
  await ctx.answerCallbackQuery();
  const done =
    press.kind === 'outcome' ? `psy-marked-${press.outcome.replace('_', '-')}` : 'psy-cancelled-by-you';
  await editOrReply(ctx, ctx.t(result.ok ? done : staffRefusals[result.reason]));
}
