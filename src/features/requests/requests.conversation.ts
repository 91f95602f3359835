import { randomBytes } from 'node:crypto';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askAttachments, askChoice, askText } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import type { DbOrTx } from '../../db/client.js';
import { type RequestCategory, requestCategories } from '../../db/schema/enums.js';
import { regionDate } from '../../time.js';
import { discardHeld, heldMessagesOf } from '../relay/relay.held.js';
import {
  askLongText,
  askPerson,
  askShortText,
  askUpcomingDate,
  askWeekdays,
  type HouseholdPerson,
} from './requests.questions.js';
import { categoryLabel, formatRequestDetails } from './requests.render.js';
import { createRequestsRepository } from './requests.repository.js';
import {
  type AttachmentInput,
  choiceSets,
  FREE_TEXT_MAX,
  LEFT_TO_CURATOR,
  LONG_TEXT_MAX,
  MAX_ATTACHMENTS,
  parseRequestDraft,
  type RequestDetailsByCategory,
  requestCategorySchema,
} from './requests.schemas.js';
import { createRequest } from './requests.usecases.js';

export const REQUEST_CONVERSATION = 'request';

/** Rounds of «Изменить» on the summary before we stop offering it (the replay log must stay bounded). */
const MAX_SUMMARY_EDITS = 10;

export type Draft = Record<string, unknown>;

export interface DialogueIo {
  conversation: DialogueConversation;
  ctx: DialogueContext;
  household: HouseholdPerson[];
  passportAddress: string | null;
}

/** One question (or a small group that belongs together) of a category, and the summary's name for it. */
export interface Step {
  field: string;
  ask: (draft: Draft) => Promise<void>;
}

/** A step that stores one answer under one key of the draft. */
function answer(field: string, key: string, ask: () => Promise<unknown>): Step {
  return {
    field,
    ask: async (draft) => {
      draft[key] = await ask();
    },
  };
}

function choiceOptions<S extends keyof typeof choiceSets>(ctx: DialogueContext, set: S) {
  return choiceSets[set].map((value) => ({ value, label: ctx.t(`req-choice-${set}-${value}`) }));
}

async function pick<S extends keyof typeof choiceSets>(
  io: DialogueIo,
  set: S,
  questionKey: string,
  columns = 1,
): Promise<(typeof choiceSets)[S][number]> {
  return askChoice(io.conversation, io.ctx, {
    question: io.ctx.t(questionKey),
    options: choiceOptions(io.ctx, set),
    columns,
  });
}

const children = (io: DialogueIo) => io.household.filter((person) => person.kind === 'child');
const relatives = (io: DialogueIo) => io.household.filter((person) => person.kind !== 'child');

/** «Which child?» — one child from the passport, or a name when the passport has none. */
function childStep(io: DialogueIo): Step {
  return {
    field: 'child',
    ask: async (draft) => {
      [draft.child] = await askPerson(io.conversation, io.ctx, {
        question: io.ctx.t('req-ask-child'),
        people: children(io),
        noneKey: 'req-ask-child-name-none',
      });
    },
  };
}

async function askAddress(io: DialogueIo): Promise<string> {
  const { conversation, ctx } = io;
  if (io.passportAddress) {
    const choice = await askChoice(conversation, ctx, {
      question: ctx.t('req-ask-address-default', { address: io.passportAddress }),
      options: [
        { value: 'passport', label: ctx.t('req-address-passport') },
        { value: 'other', label: ctx.t('req-address-other') },
      ],
    });
    if (choice === 'passport') return io.passportAddress;
  }
  return askLongText(conversation, ctx, ctx.t('req-ask-address'));
}

/** The questions of each category, in SPEC §2's order (psychologist asks its urgency first: see below). */
export function stepsOf(category: RequestCategory, io: DialogueIo, draft: Draft): Step[] {
  const { conversation, ctx } = io;
  switch (category) {
    case 'nanny':
      return [
        {
          field: 'children',
          ask: async (d) => {
            d.children = await askPerson(conversation, ctx, {
              question: ctx.t('req-ask-nanny-children'),
              people: children(io),
              noneKey: 'req-ask-child-name-none',
              allowAll: true,
            });
          },
        },
        {
          field: 'schedule',
          ask: async (d) => {
            const kind = await pick(io, 'schedule', 'req-ask-nanny-schedule');
            if (kind === 'once') {
              const date = await askUpcomingDate(conversation, ctx, {
                questionKey: 'req-ask-nanny-date',
                example: 'tomorrow',
              });
              const hours = await askShortText(conversation, ctx, ctx.t('req-ask-nanny-hours'));
              d.schedule = { kind, date, hours };
            } else {
              const days = await askWeekdays(conversation, ctx, { question: ctx.t('req-ask-nanny-days') });
              const hours = await askShortText(conversation, ctx, ctx.t('req-ask-nanny-hours'));
              d.schedule = { kind, days, hours };
            }
          },
        },
        answer('address', 'address', () => askAddress(io)),
      ];
    case 'kindergarten_transfer':
      return [
        childStep(io),
        answer('current-kindergarten', 'currentKindergarten', () =>
          askShortText(conversation, ctx, ctx.t('req-ask-current-kindergarten')),
        ),
        answer('wanted-kindergarten', 'wantedKindergarten', () =>
          askLongText(conversation, ctx, ctx.t('req-ask-wanted-kindergarten')),
        ),
        answer('wanted-date', 'wantedDate', () =>
          askUpcomingDate(conversation, ctx, { questionKey: 'req-ask-wanted-date', example: 'next-month' }),
        ),
      ];
    case 'school_meals':
      return [
        childStep(io),
        answer('school', 'school', () => askShortText(conversation, ctx, ctx.t('req-ask-school'))),
        answer('school-class', 'schoolClass', () =>
          askShortText(conversation, ctx, ctx.t('req-ask-school-class'), 20),
        ),
        answer('problem', 'problem', () => pick(io, 'problem', 'req-ask-school-problem')),
      ];
    case 'psychologist': {
      // Urgency first: a person in crisis gets the emergency contacts before any other question.
      const steps: Step[] = [
        {
          field: 'urgency',
          ask: async (d) => {
            d.urgency = await pick(io, 'urgency', 'req-ask-urgency');
            if (d.urgency === 'now') {
              delete d.preferredTime;
              await ctx.reply(
                ctx.t('req-crisis-contacts', { contacts: ctx.deps.config.crisisContacts.join('\n') }),
              );
            }
          },
        },
        answer('for-whom', 'forWhom', () => pick(io, 'forWhom', 'req-ask-for-whom-psychologist')),
        answer('format', 'format', () => pick(io, 'format', 'req-ask-format', 2)),
      ];
      if (draft.urgency !== 'now') {
        steps.push(
          answer('preferred-time', 'preferredTime', () =>
            askShortText(conversation, ctx, ctx.t('req-ask-preferred-time')),
          ),
        );
      }
      return steps;
    }
    case 'elderly_care':
      return [
        {
          field: 'relative',
          ask: async (d) => {
            [d.relative] = await askPerson(conversation, ctx, {
              question: ctx.t('req-ask-relative'),
              people: relatives(io),
              noneKey: 'req-ask-relative-name-none',
            });
          },
        },
        answer('address', 'address', () => askAddress(io)),
        answer('help-kind', 'helpKind', () => pick(io, 'helpKind', 'req-ask-help-kind')),
        answer('frequency', 'frequency', () => pick(io, 'frequency', 'req-ask-frequency')),
      ];
    case 'employment':
      return [
        answer('for-whom', 'forWhom', () => pick(io, 'forWhom', 'req-ask-for-whom')),
        answer('occupation', 'occupation', () => askLongText(conversation, ctx, ctx.t('req-ask-occupation'))),
        answer('wanted-job', 'wanted', () => askLongText(conversation, ctx, ctx.t('req-ask-wanted-job'))),
      ];
    case 'legal':
      return [
        answer('topic', 'topic', () => pick(io, 'topic', 'req-ask-legal-topic')),
        answer('description', 'description', () =>
          askLongText(conversation, ctx, ctx.t('req-ask-legal-description')),
        ),
      ];
    case 'medical':
      return [
        answer('for-whom', 'forWhom', () => pick(io, 'forWhom', 'req-ask-for-whom')),
        answer('medical-need', 'need', () => askLongText(conversation, ctx, ctx.t('req-ask-medical-need'))),
      ];
    case 'other':
      return [
        answer('text', 'text', () =>
          askText(conversation, ctx, {
            question: ctx.t('req-ask-other-text'),
            maxLength: FREE_TEXT_MAX,
            lettersHintKey: 'dialogue-hint-no-letters-request',
            handover: LEFT_TO_CURATOR,
          }),
        ),
      ];
  }
}

/**
 * The optional comment and files, asked after the category's questions (files not on the crisis path).
 * `kept`: files the request already has (a photo the family sent before starting it); more may be added.
 */
export function closingSteps(
  io: DialogueIo,
  draft: Draft,
  files: { list: AttachmentInput[] },
  kept: AttachmentInput[] = [],
): Step[] {
  const { conversation, ctx } = io;
  const steps: Step[] = [
    {
      field: 'comment',
      ask: async (d) => {
        const comment = await askText(conversation, ctx, {
          question: ctx.t('req-ask-comment'),
          maxLength: LONG_TEXT_MAX,
          skippable: true,
        });
        if (comment === undefined) delete d.comment;
        else d.comment = comment;
      },
    },
  ];
  if (draft.urgency !== 'now' && kept.length < MAX_ATTACHMENTS) {
    steps.push({
      field: 'attachments',
      ask: async () => {
        const collected = await askAttachments(conversation, ctx, {
          question:
            kept.length > 0
              ? ctx.t('req-ask-attachments-more', { count: kept.length })
              : ctx.t('req-ask-attachments'),
          maxFiles: MAX_ATTACHMENTS - kept.length,
        });
        files.list = [...kept, ...collected].map((file) => ({
          kind: file.kind,
          fileId: file.fileId,
          fileUniqueId: file.fileUniqueId,
          fileName: file.fileName,
          mimeType: file.mimeType,
          fileSize: file.fileSize,
        }));
      },
    });
  }
  return steps;
}

export function summaryText(
  ctx: DialogueContext,
  category: RequestCategory,
  details: unknown,
  files: number,
): string {
  const body = formatRequestDetails(
    category,
    details as RequestDetailsByCategory[typeof category],
    ctx.t,
    ctx.language,
  );
  const summary = ctx.t('req-summary', { category: categoryLabel(ctx.t, category), details: body });
  return files > 0 ? `${summary}\n${ctx.t('req-summary-files', { files })}` : summary;
}

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
