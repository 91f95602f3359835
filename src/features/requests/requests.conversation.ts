import { randomBytes } from 'node:crypto';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import type { DbOrTx } from '../../db/client.js';
import { type RequestCategory, requestCategories } from '../../db/schema/enums.js';
import { regionDate } from '../../time.js';
import { discardHeld, heldMessagesOf } from '../relay/relay.held.js';
import { categoryLabel } from './requests.render.js';
import { createRequestsRepository } from './requests.repository.js';
import { type AttachmentInput, parseRequestDraft, requestCategorySchema } from './requests.schemas.js';
import { closingSteps, type DialogueIo, type Draft, stepsOf, summaryText } from './requests.steps.js';
import { createRequest } from './requests.usecases.js';

/** Rounds of «Изменить» on the summary before we stop offering it (the replay log must stay bounded). */
const MAX_SUMMARY_EDITS = 10;

/**
 * «Нужна помощь»: category → the category's questions (people from the passport) → optional comment →
 * files → summary with send / edit / cancel → saved with its number and history, plus the outbox row that
 * brings it to the curator. `preset` skips the category question (from «Меры поддержки»). `source`
 * 'held': the family chose «Новая заявка» for messages they had typed outside any dialogue — their texts
 * become the comment and their photos and documents the files (relay.held.ts), no longer held once saved.
 */
export async function requestDialogue(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  preset?: string,
  source?: string,
) {
  const member = ctx.member;
  if (!member) {
    await ctx.reply(ctx.t('req-not-registered'), { reply_markup: { remove_keyboard: true } });
    return;
  }
  const held =
    source === 'held'
      ? await conversation.external(async (outside) =>
          (await heldMessagesOf(outside.deps.db, member.id)).map((row) => ({
            id: row.id,
            kind: row.kind,
            text: row.text,
            file:
              (row.kind === 'photo' || row.kind === 'document') && row.fileId
                ? {
                    kind: row.kind,
                    fileId: row.fileId,
                    ...(row.fileUniqueId ? { fileUniqueId: row.fileUniqueId } : {}),
                    ...(row.fileName ? { fileName: row.fileName } : {}),
                    ...(row.mimeType ? { mimeType: row.mimeType } : {}),
                    ...(row.fileSize !== null ? { fileSize: row.fileSize } : {}),
                  }
                : undefined,
          })),
        )
      : [];
  const heldText = held.flatMap((row) => (row.text ? [row.text] : [])).join('\n');
  const heldFiles = held.flatMap((row) => (row.file ? [row.file] : []));
  if (held.length > 0) await ctx.reply(ctx.t('req-from-held', { files: heldFiles.length }));
  const presetCategory = requestCategorySchema.safeParse(preset);
  const category: RequestCategory = presetCategory.success
    ? presetCategory.data
    : await askChoice(conversation, ctx, {
        question: ctx.t('req-ask-category'),
        options: requestCategories.map((value) => ({ value, label: categoryLabel(ctx.t, value) })),
      });
  const familyId = member.familyId;
  const loaded = await conversation.external(async (outside) => {
    const repository = createRequestsRepository({ db: outside.deps.db });
    const [family, household] = await Promise.all([
      repository.familyForRequest(familyId),
      repository.household(familyId),
    ]);
    // One key per dialogue: a second «Отправить» (or a replay) saves the same request, not a new one.
    return {
      address: family?.address ?? null,
      household,
      submissionKey: randomBytes(12).toString('base64url'),
    };
  });
  const io: DialogueIo = { conversation, ctx, household: loaded.household, passportAddress: loaded.address };
  await ctx.reply(ctx.t('req-category-intro', { category: categoryLabel(ctx.t, category) }));

  const draft: Draft = heldText ? { comment: heldText } : {};
  const files = { list: [...heldFiles] as AttachmentInput[] };
  const allSteps = () => [...stepsOf(category, io, draft), ...closingSteps(io, draft, files, heldFiles)];
  for (const step of allSteps()) {
    // What the family typed before is the comment already; the summary's «Изменить» can still change it.
    if (step.field === 'comment' && heldText) continue;
    // Psychologist: choosing «прямо сейчас» removes later steps (preferred time, files); re-check each time.
    if (allSteps().some((current) => current.field === step.field)) await step.ask(draft);
  }

  // Bounded: after MAX_SUMMARY_EDITS only «send» and «cancel» remain; a few more rounds cover a refused send.
  for (let edits = 0; edits < MAX_SUMMARY_EDITS + 3; edits++) {
    const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
    const parsed = parseRequestDraft({ category, details: draft }, today);
    const summary = parsed.success
      ? `${summaryText(ctx, category, parsed.data.details, files.list.length)}\n\n${ctx.t('req-summary-question')}`
      : ctx.t('req-summary-invalid');
    const options = [
      ...(parsed.success ? [{ value: 'send' as const, label: ctx.t('req-summary-send') }] : []),
      ...(edits < MAX_SUMMARY_EDITS ? [{ value: 'edit' as const, label: ctx.t('req-summary-edit') }] : []),
      { value: 'cancel' as const, label: ctx.t('req-summary-cancel') },
    ];
    const action = await askChoice(conversation, ctx, { question: summary, options, columns: 1 });
    if (action === 'cancel') {
      await ctx.reply(ctx.t(held.length > 0 ? 'req-dialogue-cancelled-held' : 'req-dialogue-cancelled'), {
        reply_markup: mainMenuKeyboard(ctx.t),
      });
      return;
    }
    if (action === 'edit') {
      const steps = allSteps();
      const field = await askChoice(conversation, ctx, {
        question: ctx.t('req-which-field'),
        options: steps.map((step) => ({ value: step.field, label: ctx.t(`req-field-${step.field}`) })),
        columns: 2,
      });
      await steps.find((step) => step.field === field)?.ask(draft);
      // Switching a psychologist request from «прямо сейчас» to planned brings back the preferred time.
      for (const step of allSteps()) {
        if (step.field === 'preferred-time' && draft.preferredTime === undefined) await step.ask(draft);
      }
      continue;
    }
    if (!parsed.success) continue;
    const heldIds = held.map((row) => row.id);
    const submission = {
      familyId,
      memberId: member.id,
      submissionKey: loaded.submissionKey,
      draft: parsed.data,
      attachments: files.list,
      // The held messages are in this request now: no longer held, in the same commit.
      ...(heldIds.length > 0
        ? { alsoInTransaction: (tx: DbOrTx) => discardHeld(tx, member.id, heldIds) }
        : {}),
    };
    const result = await conversation.external(async (outside) => {
      const saved = await createRequest(
        {
          db: outside.deps.db,
          timeZone: outside.deps.config.timeZone,
          policies: outside.deps.config.deadlinePolicies,
        },
        submission,
      );
      if (saved.ok) {
        outside.log.info(
          { requestId: saved.request.id, category, priority: saved.request.priority, created: saved.created },
          'request created by family',
        );
      } else {
        outside.log.warn({ reason: saved.reason, category }, 'request not saved');
      }
      return saved;
    });
    if (!result.ok) {
      if (result.reason === 'family_not_found') {
        await ctx.reply(ctx.t('req-not-registered'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await ctx.reply(ctx.t('req-summary-invalid'));
      continue;
    }
    // No name yet: routing and delivery decide who gets the card; the family is told once it has arrived.
    const args = { number: String(result.request.number) };
    if (result.request.priority === 'urgent') {
      await ctx.reply(
        ctx.t('req-created-urgent', { ...args, contacts: ctx.deps.config.crisisContacts.join('\n') }),
        { reply_markup: mainMenuKeyboard(ctx.t) },
      );
    } else {
      await ctx.reply(ctx.t('req-created', args), { reply_markup: mainMenuKeyboard(ctx.t) });
    }
    return;
  }
  await ctx.reply(ctx.t('dialogue-too-many-hints'), { reply_markup: mainMenuKeyboard(ctx.t) });
}
