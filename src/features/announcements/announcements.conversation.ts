import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askAttachments, askChoice, askConfirm, askText } from '../../bot/dialogue/questions.js';
import { listDistricts } from '../districts/index.js';
import { listMeasures } from '../support-measures/index.js';
import { type Audience, type AudienceFilter, audienceFilters } from './announcements.audience.js';
import {
  ANNOUNCEMENT_MAX_LENGTH,
  type AnnouncementContent,
  checkSender,
  countAudience,
  createAnnouncement,
} from './announcements.usecases.js';

export const ANNOUNCE_CONVERSATION = 'announce';

type Districts = Array<{ id: number; name: string }>;

/** The text, then an optional photo or document. */
async function askContent(
  conversation: DialogueConversation,
  ctx: DialogueContext,
): Promise<AnnouncementContent> {
  const text = await askText(conversation, ctx, {
    question: ctx.t('ann-ask-text', { max: ANNOUNCEMENT_MAX_LENGTH }),
    maxLength: ANNOUNCEMENT_MAX_LENGTH,
    lettersHintKey: 'ann-hint-letters',
  });
  const [file] = await askAttachments(conversation, ctx, { question: ctx.t('ann-ask-file'), maxFiles: 1 });
  const measureCode = await askMeasure(conversation, ctx);
  return {
    text,
    ...(file ? { file: { kind: file.kind, fileId: file.fileId } } : {}),
    ...(measureCode ? { measureCode } : {}),
  };
}

/** Optionally a support measure whose «Хочу оформить» goes under the announcement. */
async function askMeasure(conversation: DialogueConversation, ctx: DialogueContext) {
  const measures = await conversation.external(async (outside) =>
    (await listMeasures(outside.deps.db)).map((m) => ({ value: m.code, label: m.title })),
  );
  if (measures.length === 0) return undefined;
  const chosen = await askChoice(conversation, ctx, {
    question: ctx.t('ann-ask-measure'),
    options: [{ value: '', label: ctx.t('ann-measure-none') }, ...measures.slice(0, 60)],
  });
  return chosen === '' ? undefined : chosen;
}

/** The districts (all of the sender's, or one) and one passport filter (or none). */
async function askAudience(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  scope: { regional: boolean; districts: Districts },
): Promise<Audience> {
  const where = await askChoice(conversation, ctx, {
    question: ctx.t('ann-ask-districts'),
    options: [
      { value: 'all', label: ctx.t(scope.regional ? 'ann-districts-region' : 'ann-districts-mine') },
      ...scope.districts.map((d) => ({ value: String(d.id), label: d.name })),
    ],
    columns: 2,
  });
  const filter = await askChoice<AudienceFilter | 'none'>(conversation, ctx, {
    question: ctx.t('ann-ask-filter'),
    options: [
      { value: 'none', label: ctx.t('ann-filter', { filter: 'none' }) },
      ...audienceFilters.map((value) => ({ value, label: ctx.t('ann-filter', { filter: value }) })),
    ],
  });
  const districtIds =
    where !== 'all' ? [Number(where)] : scope.regional ? [] : scope.districts.map((d) => d.id);
  return { districtIds, filters: filter === 'none' ? [] : [filter] };
}

/** The announcement as families will see it. */
async function showPreview(ctx: DialogueContext, content: AnnouncementContent) {
  await ctx.reply(ctx.t('ann-preview-title'));
  const text = `${content.text}\n\n${ctx.t('ann-footer')}`;
  if (content.file?.kind === 'photo') await ctx.replyWithPhoto(content.file.fileId, { caption: text });
  else if (content.file) await ctx.replyWithDocument(content.file.fileId, { caption: text });
  else await ctx.reply(text);
  // The button itself is the family's (a press opens their request): named here, not shown.
  if (content.measureCode) await ctx.reply(ctx.t('ann-preview-button'));
}

/** The progress message, then the announcement made (checked again on the server), or why not. */
async function send(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  input: { telegramId: number; content: AnnouncementContent; audience: Audience },
) {
  const started = await ctx.reply(ctx.t('ann-starting'));
  const created = await conversation.external(async (outside) => {
    const { db, config } = outside.deps;
    const result = await createAnnouncement(
      { db, timeZone: config.timeZone },
      {
        senderTelegramId: input.telegramId,
        content: input.content,
        audience: input.audience,
        paidBroadcast: config.allowPaidBroadcast,
        progress: { chatId: started.chat.id, messageId: started.message_id },
      },
    );
    outside.log.info(
      result.ok
        ? { announcementId: result.announcementId, recipients: result.people }
        : { reason: result.reason },
      result.ok ? 'announcement made' : 'announcement refused',
    );
    return result;
  });
  if (created.ok) {
    // The message above becomes the progress; this one says what happens next.
    await ctx.reply(ctx.t('ann-sending', { families: created.families, people: created.people }));
    return;
  }
  const refused = ctx.t('ann-refused', { reason: created.reason });
  await ctx.api.editMessageText(started.chat.id, started.message_id, refused).catch(() => ctx.reply(refused));
}

/**
 * `/announce`: a supervisor writes an announcement to the families of their districts (a regional one: of
 * the region), with an optional photo or document, chooses the audience, sees how many it reaches and a
 * preview, and confirms. Delivery then goes in the lowest send class; progress comes as one edited message.
 */
export async function announceDialogue(conversation: DialogueConversation, ctx: DialogueContext) {
  ctx.dialogueTurn.staffDialogue = true;
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const scope = await conversation.external(async (outside) => {
    const sender = await checkSender(outside.deps.db, telegramId);
    if (!sender.ok) return undefined;
    const all = await listDistricts(outside.deps.db);
    const districts = sender.regional ? all : all.filter((d) => sender.districtIds.includes(d.id));
    return { regional: sender.regional, districts };
  });
  if (!scope) {
    await ctx.reply(ctx.t('ann-refused', { reason: 'not_supervisor' }));
    return;
  }
  const content = await askContent(conversation, ctx);
  const audience = await askAudience(conversation, ctx, scope);
  const size = await conversation.external((outside) =>
    countAudience({ db: outside.deps.db, timeZone: outside.deps.config.timeZone }, audience),
  );
  if (size.people === 0) {
    await ctx.reply(ctx.t('ann-refused', { reason: 'empty' }));
    return;
  }
  await showPreview(ctx, content);
  const confirmed = await askConfirm(conversation, ctx, {
    question: ctx.t('ann-confirm', { families: size.families, people: size.people }),
    yes: ctx.t('ann-confirm-yes'),
    no: ctx.t('ann-confirm-no'),
  });
  if (!confirmed) {
    await ctx.reply(ctx.t('ann-dropped'));
    return;
  }
  await send(conversation, ctx, { telegramId, content, audience });
}
