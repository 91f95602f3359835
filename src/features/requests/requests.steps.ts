import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import type { Checkpoints } from '../../bot/dialogue/checkpoints.js';
import { askAttachments, askChoice, askText } from '../../bot/dialogue/questions.js';
import type { RequestCategory } from '../../db/schema/enums.js';
import {
  askLongText,
  askPerson,
  askShortText,
  askUpcomingDate,
  askWeekdays,
  type HouseholdPerson,
} from './requests.questions.js';
import { categoryLabel, type DetailsAudience, formatRequestDetails } from './requests.render.js';
import {
  type AttachmentInput,
  choiceSets,
  FREE_TEXT_MAX,
  LEFT_TO_CURATOR,
  LONG_TEXT_MAX,
  MAX_ATTACHMENTS,
  type RequestDetailsByCategory,
} from './requests.schemas.js';

/*
 * A request's questions, as steps: each category's, then the comment and files, and the summary. The
 * family's «Нужна помощь» dialogue (requests.conversation.ts) and a curator's intake by phone
 * (curator-tools.intake.ts) ask the same steps; this module is what requests gives others for that.
 */

/** The family's «Нужна помощь» dialogue, for a feature that starts it (relay: held messages → a new request). */
export const REQUEST_CONVERSATION = 'request';

export type Draft = Record<string, unknown>;

export interface DialogueIo {
  conversation: DialogueConversation;
  ctx: DialogueContext;
  household: HouseholdPerson[];
  passportAddress: string | null;
  /**
   * Where a step of several questions keeps each answer as it is given (`<field>~…`), so a dialogue resumed
   * from its draft goes on inside the step; the step's result is kept by the dialogue when it is done.
   */
  saved?: Checkpoints;
  /**
   * Who answers: the family itself (the default), or a curator asking the family on the phone (the phone
   * intake), who reads the questions that speak to the family in words for the curator (staffWording).
   */
  voice?: 'family' | 'staff';
  /**
   * False when nobody of the family is in chat with the bot (a family registered by phone): a choice that
   * needs the chat (a psychologist «В чате») is not offered. Undefined: the family is asking in its chat.
   */
  familyInChat?: boolean;
}

/**
 * The family's questions that speak to the family («адрес из вашего паспорта», «хотите», «для куратора»),
 * and what a curator asking on the family's behalf reads instead. The rest read the same to both.
 */
const staffWording: Record<string, string> = {
  'req-ask-address-default': 'req-staff-ask-address-default',
  'req-ask-child-name-none': 'req-staff-ask-child-name-none',
  'req-ask-relative-name-none': 'req-staff-ask-relative-name-none',
  'req-ask-wanted-kindergarten': 'req-staff-ask-wanted-kindergarten',
  'req-ask-preferred-time': 'req-staff-ask-preferred-time',
  'req-ask-other-text': 'req-staff-ask-other-text',
  'req-ask-comment': 'req-staff-ask-comment',
  'req-crisis-contacts': 'req-staff-crisis-contacts',
  'dialogue-hint-no-letters-request': 'req-staff-hint-no-letters',
};

/** A text's key in the voice of the one who answers (see staffWording). */
function worded(io: DialogueIo, key: string): string {
  return io.voice === 'staff' ? (staffWording[key] ?? key) : key;
}

/** A long answer, with the hint for an answer without letters in the asker's voice. */
function askLong(io: DialogueIo, questionKey: string): Promise<string> {
  return askLongText(
    io.conversation,
    io.ctx,
    io.ctx.t(worded(io, questionKey)),
    worded(io, 'dialogue-hint-no-letters-request'),
  );
}

/** A question inside a step, kept under `key` when the dialogue has a draft. */
function within<T>(io: DialogueIo, key: string, ask: () => Promise<T>): Promise<T> {
  return io.saved ? io.saved.remember(key, ask) : ask();
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

/** Choices that need the family in chat with the bot (see DialogueIo.familyInChat). */
const needsChat = new Set<string>(['chat']);

/** Choices a curator reads from their side: the family's «Для меня» is «Для заявителя» (requests.render.ts). */
const staffChoiceSets = new Set<string>(['forWhom']);

function choiceOptions<S extends keyof typeof choiceSets>(io: DialogueIo, set: S) {
  const prefix = io.voice === 'staff' && staffChoiceSets.has(set) ? 'req-staff-choice' : 'req-choice';
  const offered = choiceSets[set].filter((value) => io.familyInChat !== false || !needsChat.has(value));
  return offered.map((value) => ({ value, label: io.ctx.t(`${prefix}-${set}-${value}`) }));
}

async function pick<S extends keyof typeof choiceSets>(
  io: DialogueIo,
  set: S,
  questionKey: string,
  columns = 1,
): Promise<(typeof choiceSets)[S][number]> {
  return askChoice(io.conversation, io.ctx, {
    question: io.ctx.t(questionKey),
    options: choiceOptions(io, set),
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
        noneKey: worded(io, 'req-ask-child-name-none'),
      });
    },
  };
}

async function askAddress(io: DialogueIo): Promise<string> {
  const { conversation, ctx } = io;
  const passportAddress = io.passportAddress;
  if (passportAddress) {
    const choice = await within(io, 'address~choice', () =>
      askChoice(conversation, ctx, {
        question: ctx.t(worded(io, 'req-ask-address-default'), { address: passportAddress }),
        options: [
          { value: 'passport', label: ctx.t('req-address-passport') },
          { value: 'other', label: ctx.t('req-address-other') },
        ],
      }),
    );
    if (choice === 'passport') return passportAddress;
  }
  return askLong(io, 'req-ask-address');
}

type CategorySteps = (io: DialogueIo, draft: Draft) => Step[];

/** The questions of each category, in SPEC §2's order (psychologist asks its urgency first: see there). */
const categorySteps: { [C in RequestCategory]: CategorySteps } = {
  nanny: (io) => {
    const { conversation, ctx } = io;
    return [
      {
        field: 'children',
        ask: async (d) => {
          d.children = await askPerson(conversation, ctx, {
            question: ctx.t('req-ask-nanny-children'),
            people: children(io),
            noneKey: worded(io, 'req-ask-child-name-none'),
            allowAll: true,
          });
        },
      },
      {
        field: 'schedule',
        ask: async (d) => {
          const kind = await within(io, 'schedule~kind', () =>
            pick(io, 'schedule', 'req-ask-nanny-schedule'),
          );
          const when =
            kind === 'once'
              ? {
                  date: await within(io, 'schedule~date', () =>
                    askUpcomingDate(conversation, ctx, {
                      questionKey: 'req-ask-nanny-date',
                      example: 'tomorrow',
                    }),
                  ),
                }
              : {
                  days: await within(io, 'schedule~days', () =>
                    askWeekdays(conversation, ctx, { question: ctx.t('req-ask-nanny-days') }),
                  ),
                };
          const hours = await within(io, 'schedule~hours', () =>
            askShortText(conversation, ctx, ctx.t('req-ask-nanny-hours')),
          );
          d.schedule = { kind, ...when, hours };
        },
      },
      answer('address', 'address', () => askAddress(io)),
    ];
  },
  kindergarten_transfer: (io) => {
    const { conversation, ctx } = io;
    return [
      childStep(io),
      answer('current-kindergarten', 'currentKindergarten', () =>
        askShortText(conversation, ctx, ctx.t('req-ask-current-kindergarten')),
      ),
      answer('wanted-kindergarten', 'wantedKindergarten', () => askLong(io, 'req-ask-wanted-kindergarten')),
      answer('wanted-date', 'wantedDate', () =>
        askUpcomingDate(conversation, ctx, { questionKey: 'req-ask-wanted-date', example: 'next-month' }),
      ),
    ];
  },
  school_meals: (io) => {
    const { conversation, ctx } = io;
    return [
      childStep(io),
      answer('school', 'school', () => askShortText(conversation, ctx, ctx.t('req-ask-school'))),
      answer('school-class', 'schoolClass', () =>
        askShortText(conversation, ctx, ctx.t('req-ask-school-class'), 20),
      ),
      answer('problem', 'problem', () => pick(io, 'problem', 'req-ask-school-problem')),
    ];
  },
  psychologist: (io, draft) => {
    const { conversation, ctx } = io;
    // Urgency first: a person in crisis gets the emergency contacts before any other question.
    const steps: Step[] = [
      {
        field: 'urgency',
        ask: async (d) => {
          d.urgency = await pick(io, 'urgency', 'req-ask-urgency');
          if (d.urgency === 'now') {
            delete d.preferredTime;
            await ctx.reply(
              ctx.t(worded(io, 'req-crisis-contacts'), {
                contacts: ctx.deps.config.crisisContacts.join('\n'),
              }),
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
          askShortText(conversation, ctx, ctx.t(worded(io, 'req-ask-preferred-time'))),
        ),
      );
    }
    return steps;
  },
  elderly_care: (io) => {
    const { conversation, ctx } = io;
    return [
      {
        field: 'relative',
        ask: async (d) => {
          [d.relative] = await askPerson(conversation, ctx, {
            question: ctx.t('req-ask-relative'),
            people: relatives(io),
            noneKey: worded(io, 'req-ask-relative-name-none'),
          });
        },
      },
      answer('address', 'address', () => askAddress(io)),
      answer('help-kind', 'helpKind', () => pick(io, 'helpKind', 'req-ask-help-kind')),
      answer('frequency', 'frequency', () => pick(io, 'frequency', 'req-ask-frequency')),
    ];
  },
  employment: (io) => {
    return [
      answer('for-whom', 'forWhom', () => pick(io, 'forWhom', 'req-ask-for-whom')),
      answer('occupation', 'occupation', () => askLong(io, 'req-ask-occupation')),
      answer('wanted-job', 'wanted', () => askLong(io, 'req-ask-wanted-job')),
    ];
  },
  legal: (io) => {
    return [
      answer('topic', 'topic', () => pick(io, 'topic', 'req-ask-legal-topic')),
      answer('description', 'description', () => askLong(io, 'req-ask-legal-description')),
    ];
  },
  medical: (io) => {
    return [
      answer('for-whom', 'forWhom', () => pick(io, 'forWhom', 'req-ask-for-whom')),
      answer('medical-need', 'need', () => askLong(io, 'req-ask-medical-need')),
    ];
  },
  other: (io) => {
    const { conversation, ctx } = io;
    return [
      answer('text', 'text', () =>
        askText(conversation, ctx, {
          question: ctx.t(worded(io, 'req-ask-other-text')),
          maxLength: FREE_TEXT_MAX,
          lettersHintKey: worded(io, 'dialogue-hint-no-letters-request'),
          handover: LEFT_TO_CURATOR,
        }),
      ),
    ];
  },
};

/** The questions of a category, in SPEC §2's order. */
export function stepsOf(category: RequestCategory, io: DialogueIo, draft: Draft): Step[] {
  return categorySteps[category](io, draft);
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
          question: ctx.t(worded(io, 'req-ask-comment')),
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

/** `audience` 'staff': the summary a curator checks on the family's behalf reads choices from their side. */
export function summaryText(
  ctx: DialogueContext,
  category: RequestCategory,
  details: unknown,
  files: number,
  audience: DetailsAudience = 'family',
): string {
  const body = formatRequestDetails(
    category,
    details as RequestDetailsByCategory[typeof category],
    ctx.t,
    ctx.language,
    audience,
  );
  const summary = ctx.t('req-summary', { category: categoryLabel(ctx.t, category), details: body });
  return files > 0 ? `${summary}\n${ctx.t('req-summary-files', { files })}` : summary;
}
