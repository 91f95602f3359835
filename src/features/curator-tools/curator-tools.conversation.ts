import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askDate, askText } from '../../bot/dialogue/questions.js';
import { regionDate } from '../../time.js';
import { recordStaffView } from '../delivery/index.js';
import { familyMeasures } from '../support-measures/index.js';
import { deputyCandidates, setAbsence } from './curator-tools.absence.js';
import { familyCardKeyboard } from './curator-tools.keyboards.js';
import {
  MEASURE_NOTE_MAX,
  recordSupportMeasure,
  type ToolsRefusal,
  viewFamilyCard,
} from './curator-tools.usecases.js';

export const MEASURE_CONVERSATION = 'ct-measure';
export const AWAY_CONVERSATION = 'ct-away';

export const refusalKey = (reason: ToolsRefusal) => `ct-refused-${reason.replaceAll('_', '-')}`;

/**
 * «Записать меру поддержки» on the family card: which measure (the catalogue), since when, a note. The
 * measure is saved with who recorded it — the scope is checked again when it is saved — and the card is
 * shown again with it.
 */
export async function measureDialogue(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  familyId: number,
) {
  ctx.dialogueTurn.staffDialogue = true;
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  // Measures the family is eligible for and does not receive come first: the ones to grant.
  const choices = await conversation.external(async (outside) => {
    const today = regionDate(new Date(), outside.deps.config.timeZone);
    const view = await familyMeasures(outside.deps.db, familyId, today);
    return [...view.eligible, ...view.others].map((m) => ({ value: m.code, label: m.title }));
  });
  const measure = await askChoice(conversation, ctx, { question: ctx.t('ct-ask-measure'), options: choices });
  const since = await askDate(conversation, ctx, { question: ctx.t('ct-ask-measure-since') });
  const note = await askText(conversation, ctx, {
    question: ctx.t('ct-ask-measure-note'),
    maxLength: MEASURE_NOTE_MAX,
    skippable: true,
  });
  const saved = await conversation.external(async (outside) => {
    const result = await recordSupportMeasure(
      { db: outside.deps.db },
      { telegramId, familyId, measure, since, note: note ?? null },
    );
    if (result.ok) outside.log.info({ familyId, measure }, 'support measure recorded');
    else outside.log.warn({ familyId, reason: result.reason }, 'support measure refused');
    return result;
  });
  if (!saved.ok) {
    await ctx.reply(ctx.t(refusalKey(saved.reason)));
    return;
  }
  await ctx.reply(ctx.t('ct-measure-saved'));
  const card = await conversation.external((outside) =>
    viewFamilyCard(
      { db: outside.deps.db, i18n: outside.deps.i18n, timeZone: outside.deps.config.timeZone },
      { telegramId, familyId, via: 'measure_recorded' },
    ),
  );
  if (!card.ok) return;
  const shown = await ctx.reply(card.text, { reply_markup: familyCardKeyboard(ctx.t, familyId, card) });
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  await conversation.external((outside) =>
    recordStaffView(outside.deps.db, {
      staffId: card.staffId,
      chatId,
      messageIds: [shown.message_id],
      familyId,
      what: 'family_card',
    }),
  );
}

/** Tries at a date that is not after today before the dialogue gives up. */
const MAX_DATE_TRIES = 3;

/** `/away`: until which date, and which curator of the district stands in meanwhile. */
export async function awayDialogue(conversation: DialogueConversation, ctx: DialogueContext) {
  ctx.dialogueTurn.staffDialogue = true;
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const found = await conversation.external((outside) =>
    deputyCandidates({ db: outside.deps.db }, telegramId),
  );
  if (!found.ok) {
    await ctx.reply(ctx.t(refusalKey(found.reason)));
    return;
  }
  if (found.candidates.length === 0) {
    await ctx.reply(ctx.t('ct-away-no-deputy'));
    return;
  }
  let until: string | undefined;
  for (let attempt = 0; attempt < MAX_DATE_TRIES && until === undefined; attempt++) {
    const typed = await askDate(conversation, ctx, {
      question: ctx.t('ct-ask-away-until'),
      allowFuture: true,
      forbidPast: true,
    });
    // The date of coming back must be after today: an absence that ends today is no absence.
    const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
    if (typed > today) until = typed;
    else await ctx.reply(ctx.t('ct-away-date-not-future'));
  }
  if (until === undefined) {
    await ctx.reply(ctx.t('ct-away-try-again'));
    return;
  }
  const deputyId = await askChoice(conversation, ctx, {
    question: ctx.t('ct-ask-deputy'),
    options: found.candidates.map((c) => ({ value: String(c.id), label: c.fullName })),
  });
  const chosenUntil = until;
  const result = await conversation.external((outside) =>
    setAbsence(
      { db: outside.deps.db, timeZone: outside.deps.config.timeZone },
      { telegramId, until: chosenUntil, deputyId: Number(deputyId) },
    ),
  );
  if (!result.ok) {
    // Checked again on the server: the deputy left, the role changed, or midnight passed meanwhile.
    await ctx.reply(
      `${ctx.t(`ct-away-${result.reason.replaceAll('_', '-')}`)} ${ctx.t('ct-away-try-again')}`,
    );
    return;
  }
  await ctx.reply(
    ctx.t('ct-away-set', { until: until.split('-').reverse().join('.'), deputy: result.deputyName }),
  );
}
