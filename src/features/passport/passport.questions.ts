import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { Checkpoints } from '../../bot/dialogue/checkpoints.js';
import { askChoice, askDate, askText } from '../../bot/dialogue/questions.js';
import { childInstitutions, relationships } from '../../db/schema/enums.js';
import { listDistricts } from '../districts/index.js';
import {
  addressSchema,
  type ChildDraft,
  careNeedsSchema,
  fullNameSchema,
  localitySchema,
  type PassportDraft,
  type PassportField,
  passportFields,
  type RelativeDraft,
} from './passport.schemas.js';

/** Most children or relatives one dialogue adds (keeps the replay log bounded; more can be added later). */
export const MAX_HOUSEHOLD_PER_KIND = 10;

type Ask<T> = (conversation: DialogueConversation, ctx: DialogueContext) => Promise<T>;

export const askApplicantName: Ask<string> = (conversation, ctx) =>
  askText(conversation, ctx, {
    question: ctx.t('passport-ask-applicant-name'),
    maxLength: 200,
    schema: fullNameSchema,
    invalidHintKey: 'passport-hint-name',
  });

export const askRelationship: Ask<PassportDraft['relationship']> = (conversation, ctx) =>
  askChoice(conversation, ctx, {
    question: ctx.t('passport-ask-relationship'),
    options: relationships.map((value) => ({ value, label: ctx.t('passport-relationship', { value }) })),
    columns: 2,
  });

export const askServicemanName: Ask<string> = (conversation, ctx) =>
  askText(conversation, ctx, {
    question: ctx.t('passport-ask-serviceman-name'),
    maxLength: 200,
    schema: fullNameSchema,
    invalidHintKey: 'passport-hint-name',
  });

export const askServicemanBirthDate: Ask<string | undefined> = (conversation, ctx) =>
  askDate(conversation, ctx, {
    question: ctx.t('passport-ask-serviceman-birth-date'),
    skippable: true,
    birthOf: 'serviceman',
  });

/** District by buttons from the districts table, two per row (20 districts fit on one screen). */
export const askDistrict: Ask<{ districtId: number; districtName: string }> = async (conversation, ctx) => {
  const districts = await conversation.external((outside) => listDistricts(outside.deps.db));
  const chosen = await askChoice(conversation, ctx, {
    question: ctx.t('passport-ask-district'),
    options: districts.map((district) => ({ value: String(district.id), label: district.name })),
    columns: 2,
  });
  const district = districts.find((row) => String(row.id) === chosen);
  if (!district) throw new Error('chosen district vanished');
  return { districtId: district.id, districtName: district.name };
};

export const askLocality: Ask<string> = (conversation, ctx) =>
  askText(conversation, ctx, {
    question: ctx.t('passport-ask-locality'),
    maxLength: 200,
    schema: localitySchema,
    lettersHintKey: 'dialogue-hint-no-letters-place',
  });

export const askAddress: Ask<string | undefined> = (conversation, ctx) =>
  askText(conversation, ctx, {
    question: ctx.t('passport-ask-address'),
    maxLength: 300,
    schema: addressSchema,
    lettersHintKey: 'dialogue-hint-no-letters-address',
    skippable: true,
  });

/**
 * One child: name, birth date (not in the future), kindergarten / school / neither. Each answer is kept
 * under `<at>~<field>` as it is given (checkpoints.ts).
 */
export async function askChild(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved = Checkpoints.memory(),
  at = 'child',
): Promise<ChildDraft> {
  const fullName = await saved.remember(`${at}~fullName`, () =>
    askText(conversation, ctx, {
      question: ctx.t('passport-ask-child-name'),
      maxLength: 200,
      schema: fullNameSchema,
      invalidHintKey: 'passport-hint-name',
    }),
  );
  const birthDate = await saved.remember(`${at}~birthDate`, () =>
    askDate(conversation, ctx, { question: ctx.t('passport-ask-child-birth-date'), birthOf: 'child' }),
  );
  const institution = await saved.remember(`${at}~institution`, () =>
    askChoice(conversation, ctx, {
      question: ctx.t('passport-ask-child-institution'),
      options: childInstitutions.map((value) => ({ value, label: ctx.t('passport-institution', { value }) })),
    }),
  );
  return { fullName, birthDate, institution };
}

/** One relative who needs care: name, birth date (optional), what help they need. */
export async function askRelative(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved = Checkpoints.memory(),
  at = 'relative',
): Promise<RelativeDraft> {
  const fullName = await saved.remember(`${at}~fullName`, () =>
    askText(conversation, ctx, {
      question: ctx.t('passport-ask-relative-name'),
      maxLength: 200,
      schema: fullNameSchema,
      invalidHintKey: 'passport-hint-name',
    }),
  );
  const birthDate = await saved.remember(`${at}~birthDate`, () =>
    askDate(conversation, ctx, {
      question: ctx.t('passport-ask-relative-birth-date'),
      skippable: true,
      birthOf: 'relative',
    }),
  );
  const careNeeds = await saved.remember(`${at}~careNeeds`, () =>
    askText(conversation, ctx, {
      question: ctx.t('passport-ask-relative-care-needs'),
      maxLength: 500,
      schema: careNeedsSchema,
      lettersHintKey: 'dialogue-hint-no-letters-request',
    }),
  );
  return birthDate ? { fullName, birthDate, careNeeds } : { fullName, careNeeds };
}

type AskOne<T> = (
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  at: string,
) => Promise<T>;

/**
 * A repeatable household step: «Добавить» / «Пропустить», then after each one «Добавить ещё» / «Дальше».
 * Skippable as a whole; at most MAX_HOUSEHOLD_PER_KIND entries. The entries done so far are kept as
 * `<group>~done`, the one being asked as `<group>~<index>~…`; all of it gives way to `<group>` when done.
 */
async function askRepeated<T>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  group: string,
  keys: { intro: string; more: string; add: string; addMore: string },
  askOne: AskOne<T>,
): Promise<T[]> {
  const items: T[] = [...(saved.get<T[]>(`${group}~done`) ?? [])];
  while (items.length < MAX_HOUSEHOLD_PER_KIND) {
    const at = `${group}~${items.length}`;
    const next = await saved.remember(`${at}~next`, () =>
      askChoice(conversation, ctx, {
        question: ctx.t(items.length === 0 ? keys.intro : keys.more, { count: items.length }),
        options: [
          { value: 'add', label: ctx.t(items.length === 0 ? keys.add : keys.addMore) },
          { value: 'next', label: ctx.t(items.length === 0 ? 'dialogue-skip' : 'passport-next') },
        ],
        columns: 2,
      }),
    );
    if (next === 'next') break;
    items.push(await askOne(conversation, ctx, saved, at));
    await saved.put(`${group}~done`, items);
  }
  saved.forget(group);
  return items;
}

/**
 * `introKey`: the first question in another voice — the phone intake asks the curator
 * («Спросите, есть ли в семье дети…»), not the family.
 */
export const askChildren = (
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved = Checkpoints.memory(),
  introKey = 'passport-ask-children',
): Promise<ChildDraft[]> =>
  askRepeated(
    conversation,
    ctx,
    saved,
    'children',
    {
      intro: introKey,
      more: 'passport-ask-more-children',
      add: 'passport-add-child',
      addMore: 'passport-add-another-child',
    },
    askChild,
  );

/** `introKey`: as for askChildren. */
export const askRelatives = (
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved = Checkpoints.memory(),
  introKey = 'passport-ask-relatives',
): Promise<RelativeDraft[]> =>
  askRepeated(
    conversation,
    ctx,
    saved,
    'relatives',
    {
      intro: introKey,
      more: 'passport-ask-more-relatives',
      add: 'passport-add-relative',
      addMore: 'passport-add-another-relative',
    },
    askRelative,
  );

/** Each field's question, in the order of SPEC §2 step 4; the answer is kept under the field's name. */
const fieldQuestions: {
  [F in PassportField]: (
    conversation: DialogueConversation,
    ctx: DialogueContext,
    saved: Checkpoints,
  ) => Promise<unknown>;
} = {
  applicantName: askApplicantName,
  relationship: askRelationship,
  servicemanName: askServicemanName,
  servicemanBirthDate: askServicemanBirthDate,
  district: askDistrict,
  locality: askLocality,
  address: askAddress,
  children: askChildren,
  relatives: askRelatives,
};

function askField(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  field: PassportField,
): Promise<unknown> {
  return saved.remember(field, () => fieldQuestions[field](conversation, ctx, saved));
}

/** The passport as the answers kept so far make it (every field answered). */
function passportOf(saved: Checkpoints): PassportDraft {
  const district = saved.get<{ districtId: number; districtName: string }>('district');
  const servicemanBirthDate = saved.get<string>('servicemanBirthDate');
  const address = saved.get<string>('address');
  return {
    applicantName: saved.get<string>('applicantName') ?? '',
    relationship: saved.get<PassportDraft['relationship']>('relationship') ?? 'other',
    servicemanName: saved.get<string>('servicemanName') ?? '',
    ...(servicemanBirthDate ? { servicemanBirthDate } : {}),
    districtId: district?.districtId ?? 0,
    districtName: district?.districtName ?? '',
    locality: saved.get<string>('locality') ?? '',
    ...(address ? { address } : {}),
    children: saved.get<ChildDraft[]>('children') ?? [],
    relatives: saved.get<RelativeDraft[]>('relatives') ?? [],
  };
}

/** Asks the whole passport, in the order of SPEC §2 step 4, past what `saved` has already. */
export async function askPassport(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved = Checkpoints.memory(),
): Promise<PassportDraft> {
  for (const field of passportFields) await askField(conversation, ctx, saved, field);
  return passportOf(saved);
}

/** Re-asks one field of a draft (the summary's «Изменить»); returns the changed draft. */
export async function editDraftField(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  draft: PassportDraft,
  field: PassportField,
  saved = Checkpoints.memory(),
): Promise<PassportDraft> {
  saved.forget(field);
  const value = await askField(conversation, ctx, saved, field);
  switch (field) {
    case 'district':
      return { ...draft, ...(value as { districtId: number; districtName: string }) };
    case 'servicemanBirthDate':
    case 'address': {
      const { [field]: _old, ...rest } = draft;
      return value === undefined ? rest : { ...rest, [field]: value };
    }
    default:
      return { ...draft, [field]: value };
  }
}
