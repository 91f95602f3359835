import { randomBytes } from 'node:crypto';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { type Checkpoints, openDraft } from '../../bot/dialogue/checkpoints.js';
import { askChoice, askChoiceHeld, type HeldChoice } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import type { DbOrTx } from '../../db/client.js';
import { type RequestCategory, requestCategories } from '../../db/schema/enums.js';
import { regionDate } from '../../time.js';
import { CONSENT_VERSION } from '../onboarding/index.js';
import { discardHeld, heldMessagesOf } from './requests.held.js';
import { categoryLabel } from './requests.render.js';
import { type AttachmentInput, parseRequestDraft, requestCategorySchema } from './requests.schemas.js';
import {
  closingSteps,
  type DialogueIo,
  type Draft,
  REQUEST_CONVERSATION,
  type Step,
  stepsOf,
  summaryText,
} from './requests.steps.js';
import { createRequest, passportForRequest } from './requests.usecases.js';

/** Rounds of «Изменить» on the summary before we stop offering it (the replay log must stay bounded). */
const MAX_SUMMARY_EDITS = 10;

type Member = NonNullable<DialogueContext['member']>;

/** Messages the family typed outside any dialogue, to become this request's comment and files. */
export interface Held {
  ids: number[];
  text: string;
  files: AttachmentInput[];
}

async function loadHeld(conversation: DialogueConversation, member: Member): Promise<Held> {
  const rows = await conversation.external(async (outside) =>
    (await heldMessagesOf(outside.deps.db, member.id)).map((row) => ({
      id: row.id,
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
  );
  return {
    ids: rows.map((row) => row.id),
    text: rows.flatMap((row) => (row.text ? [row.text] : [])).join('\n'),
    files: rows.flatMap((row) => (row.file ? [row.file] : [])),
  };
}

/** What a request dialogue has so far, kept in its draft after every step (`progress`). */
export interface Progress {
  details: Draft;
  files: AttachmentInput[];
  /** Steps answered, by field. */
  done: string[];
}

/**
 * A request being asked: its category, the questions' context, and what is answered so far. `afterStep`
 * runs once a step is answered, before its answer is kept (checkpoints.ts).
 */
export interface Asking {
  category: RequestCategory;
  io: DialogueIo & { saved: Checkpoints };
  progress: Progress;
  held: Held;
  /** The support measure the dialogue was opened from («Хочу оформить»). */
  measureCode?: string;
  afterStep?: () => Promise<void>;
}

/** Nothing typed outside a dialogue to take in (a request made on a family's behalf). */
export const nothingHeld = (): Held => ({ ids: [], text: '', files: [] });

function allSteps(asking: Asking): Step[] {
  const { category, io, progress, held } = asking;
  const files = {
    get list() {
      return progress.files;
    },
    set list(list: AttachmentInput[]) {
      progress.files = list;
    },
  };
  return [
    ...stepsOf(category, io, progress.details),
    ...closingSteps(io, progress.details, files, held.files),
  ];
}

/**
 * Asks one step and keeps the result. `again` (an edit): its earlier answers are forgotten first; otherwise
 * a step begun before the dialogue was resumed goes on from its last answer.
 */
async function askStep(asking: Asking, step: Step, again = false): Promise<void> {
  const { saved } = asking.io;
  if (again) saved.forget(step.field);
  await step.ask(asking.progress.details);
  await asking.afterStep?.();
  saved.forget(step.field);
  const done = asking.progress.done.filter((field) => field !== step.field);
  asking.progress.done = [...done, step.field];
  await saved.put('progress', asking.progress);
}

/** The category's questions, then the comment and files, past the steps answered already. */
export async function askAll(asking: Asking): Promise<void> {
  for (const step of allSteps(asking)) {
    // What the family typed before is the comment already; the summary's «Изменить» can still change it.
    if (step.field === 'comment' && asking.held.text) continue;
    if (asking.progress.done.includes(step.field)) continue;
    // Psychologist: choosing «прямо сейчас» removes later steps (preferred time, files); re-check each time.
    if (allSteps(asking).some((current) => current.field === step.field)) await askStep(asking, step);
  }
}

/** The summary's «Изменить»: one step again; a psychologist request made planned gets its preferred time. */
async function editStep(asking: Asking): Promise<void> {
  const { conversation, ctx } = asking.io;
  const steps = allSteps(asking);
  const field = await askChoice(conversation, ctx, {
    question: ctx.t('req-which-field'),
    options: steps.map((step) => ({ value: step.field, label: ctx.t(`req-field-${step.field}`) })),
    columns: 2,
  });
  const step = steps.find((candidate) => candidate.field === field);
  if (step) await askStep(asking, step, true);
  for (const later of allSteps(asking)) {
    if (later.field === 'preferred-time' && asking.progress.details.preferredTime === undefined) {
      await askStep(asking, later, true);
    }
  }
}

type Submitted = 'saved' | 'refused' | 'gone';

/** Saves the request (once per dialogue, by its submission key) and tells the family its number. */
async function submit(
  asking: Asking,
  member: Member,
  submissionKey: string,
  draft: Extract<ReturnType<typeof parseRequestDraft>, { success: true }>['data'],
  pressed: { summary: string; choice: HeldChoice<'send' | 'edit' | 'cancel'> },
): Promise<Submitted> {
  const { conversation, ctx } = asking.io;
  const { category, held } = asking;
  const submission = {
    familyId: member.familyId,
    memberId: member.id,
    submissionKey,
    draft,
    attachments: asking.progress.files,
    ...(asking.measureCode ? { measureCode: asking.measureCode } : {}),
    // The held messages are in this request now: no longer held, in the same commit.
    ...(held.ids.length > 0
      ? { alsoInTransaction: (tx: DbOrTx) => discardHeld(tx, member.id, held.ids) }
      : {}),
  };
  const result = await conversation.external(async (outside) => {
    const { db, config } = outside.deps;
    const deps = { db, timeZone: config.timeZone, policies: config.deadlinePolicies };
    const saved = await createRequest(deps, submission);
    if (saved.ok) {
      const { id: requestId, priority } = saved.request;
      outside.log.info(
        { requestId, category, priority, created: saved.created },
        'request created by family',
      );
    } else {
      outside.log.warn({ reason: saved.reason, category }, 'request not saved');
    }
    return saved;
  });
  if (!result.ok) {
    await pressed.choice.settle();
    if (result.reason !== 'family_not_found') return 'refused';
    await ctx.reply(ctx.t('req-not-registered'), { reply_markup: { remove_keyboard: true } });
    return 'gone';
  }
  // No name yet: routing and delivery decide who gets the card; the family is told once it has arrived.
  const args = { number: String(result.request.number) };
  const text =
    result.request.priority === 'urgent'
      ? ctx.t('req-created-urgent', { ...args, contacts: ctx.deps.config.crisisContacts.join('\n') })
      : ctx.t('req-created', args);
  // The summary the family pressed becomes the request as sent, with its number under it: an edit, which
  // Telegram does not count against the 30 messages a second, so the card to the curator is not queued
  // behind it (issue 14 §5). The main menu is still the chat's keyboard (the dialogue asks by inline
  // buttons only). Refused (the message gone, too long): said in a message of its own, with the menu.
  if (!(await pressed.choice.settle(`${pressed.summary}\n\n${text}`))) {
    await ctx.reply(text, { reply_markup: mainMenuKeyboard(ctx.t) });
  }
  return 'saved';
}

/** The summary with send / edit / cancel, until the request is saved or cancelled. */
async function confirmAndSend(asking: Asking, member: Member, submissionKey: string): Promise<void> {
  const { conversation, ctx } = asking.io;
  const { category, progress, held } = asking;
  // The summary and its edits go on in this run: the count of «Изменить» rounds lives here, and an edit asks
  // only what it made necessary (a preferred time once «прямо сейчас» is changed), not every step left.
  asking.io.saved.holdRestarts();
  // Bounded: after MAX_SUMMARY_EDITS only «send» and «cancel» remain; a few more rounds cover a refused send.
  for (let edits = 0; edits < MAX_SUMMARY_EDITS + 3; edits++) {
    const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
    const parsed = parseRequestDraft({ category, details: progress.details }, today);
    const body = parsed.success
      ? summaryText(ctx, category, parsed.data.details, progress.files.length)
      : undefined;
    const summary =
      body !== undefined ? `${body}\n\n${ctx.t('req-summary-question')}` : ctx.t('req-summary-invalid');
    const options = [
      ...(parsed.success ? [{ value: 'send' as const, label: ctx.t('req-summary-send') }] : []),
      ...(edits < MAX_SUMMARY_EDITS ? [{ value: 'edit' as const, label: ctx.t('req-summary-edit') }] : []),
      { value: 'cancel' as const, label: ctx.t('req-summary-cancel') },
    ];
    const choice = await askChoiceHeld(conversation, ctx, { question: summary, options, columns: 1 });
    const action = choice.value;
    if (action !== 'send' || !parsed.success || body === undefined) await choice.settle();
    if (action === 'cancel') {
      await ctx.reply(ctx.t(held.ids.length > 0 ? 'req-dialogue-cancelled-held' : 'req-dialogue-cancelled'), {
        reply_markup: mainMenuKeyboard(ctx.t),
      });
      return;
    }
    if (action === 'edit') {
      await editStep(asking);
      continue;
    }
    if (!parsed.success || body === undefined) continue;
    // Answered before the request is saved, which may wait for the database: a late answer is refused.
    await choice.acknowledge();
    const submitted = await submit(asking, member, submissionKey, parsed.data, { summary: body, choice });
    if (submitted !== 'refused') return;
    await ctx.reply(ctx.t('req-summary-invalid'));
  }
  await ctx.reply(ctx.t('dialogue-too-many-hints'), { reply_markup: mainMenuKeyboard(ctx.t) });
}

/** The category (asked unless preset), the family's household and address, and the request's one key. */
async function prepare(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  member: Member,
  { preset, afterLoss }: { preset: unknown; afterLoss: boolean },
) {
  // No preset is the usual case: not asked of zod, whose refusal builds an error (on every re-entry).
  const presetCategory = preset == null ? undefined : requestCategorySchema.safeParse(preset);
  const category: RequestCategory = presetCategory?.success
    ? presetCategory.data
    : await saved.rememberWithNext('category', () =>
        askChoice(conversation, ctx, {
          question: ctx.t('req-ask-category'),
          options: requestCategories.map((value) => ({ value, label: categoryLabel(ctx.t, value) })),
        }),
      );
  const familyId = member.familyId;
  // Read once per request and kept in its draft: the dialogue is entered again after every answer. A request
  // resumed after its live state was lost reads it again: a household member or the address may have
  // changed meanwhile (another member, the curator).
  // The category, the passport and the key are written with the dialogue's `progress` (requestDialogue),
  // one checkpoint in this update rather than four.
  if (afterLoss) saved.forget('passport');
  const loaded = await saved.rememberWithNext('passport', () =>
    conversation.external(async (outside) => {
      const passport = await passportForRequest(outside.deps.db, familyId);
      return { address: passport?.address ?? null, household: passport?.household ?? [] };
    }),
  );
  // One key per dialogue, kept in the draft: a second «Отправить», a replay, or a resumed dialogue saves the
  // same request, not a new one.
  const submissionKey = await saved.rememberWithNext('submissionKey', () =>
    conversation.external(() => randomBytes(12).toString('base64url')),
  );
  return { category, loaded, submissionKey };
}

/** `source` 'measure:<code>': the dialogue was opened by a support measure's «Хочу оформить». */
export const measureSource = (code: string) => `measure:${code}`;
const measureOfSource = (source: unknown) =>
  typeof source === 'string' && source.startsWith('measure:') ? source.slice('measure:'.length) : undefined;

/**
 * «Нужна помощь»: category → the category's questions (people from the passport) → optional comment →
 * files → summary with send / edit / cancel → saved with its number and history, plus the outbox row that
 * brings it to the curator. `preset` skips the category question (from «Меры поддержки», whose `source`
 * measureSource(code) the request keeps for the curator's card). `source`
 * 'held': the family chose «Новая заявка» for messages they had typed outside any dialogue — their texts
 * become the comment and their photos and documents the files (requests.held.ts), no longer held once saved.
 * Each answer is kept in the member's draft: a dialogue whose live state was lost goes on from there.
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
  const opened = await openDraft(
    conversation,
    ctx,
    {
      dialogue: REQUEST_CONVERSATION,
      args: [preset ?? null, source ?? null],
      consentVersion: CONSENT_VERSION,
    },
    // After every kept answer the dialogue's next run starts afresh from its draft at the question asked
    // next (continuation.ts): no update replays more than one question. The summary holds this (confirmAndSend).
    { restartAtCheckpoints: 'always' },
  );
  const { saved } = opened;
  const held =
    opened.args[1] === 'held' ? await loadHeld(conversation, member) : { ids: [], text: '', files: [] };
  if (held.ids.length > 0 && !opened.resumed) {
    await ctx.reply(ctx.t('req-from-held', { files: held.files.length }));
  }
  const { category, loaded, submissionKey } = await prepare(conversation, ctx, saved, member, {
    preset: opened.args[0],
    afterLoss: opened.afterLoss,
  });
  const io = { conversation, ctx, household: loaded.household, passportAddress: loaded.address, saved };
  const progress = saved.get<Progress>('progress') ?? {
    details: held.text ? { comment: held.text } : {},
    files: [...held.files],
    done: [],
  };
  if (!saved.has('progress')) {
    await ctx.reply(ctx.t('req-category-intro', { category: categoryLabel(ctx.t, category) }));
    await saved.put('progress', progress);
  }
  const measureCode = measureOfSource(opened.args[1]);
  const asking: Asking = { category, io, progress, held, ...(measureCode ? { measureCode } : {}) };
  await askAll(asking);
  await confirmAndSend(asking, member, submissionKey);
  await saved.discard();
}
