import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askDate, askText } from '../../bot/dialogue/questions.js';
import { childInstitutions, relationships } from '../../db/schema/enums.js';
import { createDistrictsRepository } from '../districts/districts.repository.js';
import {
  addressSchema,
  type ChildDraft,
  careNeedsSchema,
  fullNameSchema,
  localitySchema,
  type PassportDraft,
  type PassportField,
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
  const districts = await conversation.external((outside) =>
    createDistrictsRepository({ db: outside.deps.db })
      .list()
      .then((rows) => rows.map((row) => ({ id: row.id, name: row.name }))),
  );
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

/** One child: name, birth date (not in the future), kindergarten / school / neither. */
export async function askChild(
  conversation: DialogueConversation,
  ctx: DialogueContext,
): Promise<ChildDraft> {
  const fullName = await askText(conversation, ctx, {
    question: ctx.t('passport-ask-child-name'),
    maxLength: 200,
    schema: fullNameSchema,
    invalidHintKey: 'passport-hint-name',
  });
  const birthDate = await askDate(conversation, ctx, {
    question: ctx.t('passport-ask-child-birth-date'),
    birthOf: 'child',
  });
  const institution = await askChoice(conversation, ctx, {
    question: ctx.t('passport-ask-child-institution'),
    options: childInstitutions.map((value) => ({ value, label: ctx.t('passport-institution', { value }) })),
  });
  return { fullName, birthDate, institution };
}

/** One relative who needs care: name, birth date (optional), what help they need. */
export async function askRelative(
  conversation: DialogueConversation,
  ctx: DialogueContext,
): Promise<RelativeDraft> {
  const fullName = await askText(conversation, ctx, {
    question: ctx.t('passport-ask-relative-name'),
    maxLength: 200,
    schema: fullNameSchema,
    invalidHintKey: 'passport-hint-name',
  });
  const birthDate = await askDate(conversation, ctx, {
    question: ctx.t('passport-ask-relative-birth-date'),
    skippable: true,
    birthOf: 'relative',
  });
  const careNeeds = await askText(conversation, ctx, {
    question: ctx.t('passport-ask-relative-care-needs'),
    maxLength: 500,
    schema: careNeedsSchema,
    lettersHintKey: 'dialogue-hint-no-letters-request',
  });
  return birthDate ? { fullName, birthDate, careNeeds } : { fullName, careNeeds };
}

/**
 * A repeatable household step: «Добавить» / «Пропустить», then after each one «Добавить ещё» / «Дальше».
 * Skippable as a whole; at most MAX_HOUSEHOLD_PER_KIND entries.
 */
async function askRepeated<T>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  keys: { intro: string; more: string; add: string; addMore: string },
  askOne: (conversation: DialogueConversation, ctx: DialogueContext) => Promise<T>,
): Promise<T[]> {
  const items: T[] = [];
  while (items.length < MAX_HOUSEHOLD_PER_KIND) {
    const next = await askChoice(conversation, ctx, {
      question: ctx.t(items.length === 0 ? keys.intro : keys.more, { count: items.length }),
      options: [
        { value: 'add', label: ctx.t(items.length === 0 ? keys.add : keys.addMore) },
        { value: 'next', label: ctx.t(items.length === 0 ? 'dialogue-skip' : 'passport-next') },
      ],
      columns: 2,
    });
    if (next === 'next') break;
    items.push(await askOne(conversation, ctx));
  }
  return items;
}

export const askChildren: Ask<ChildDraft[]> = (conversation, ctx) =>
  askRepeated(
    conversation,
    ctx,
    {
      intro: 'passport-ask-children',
      more: 'passport-ask-more-children',
      add: 'passport-add-child',
      addMore: 'passport-add-another-child',
    },
    askChild,
  );

export const askRelatives: Ask<RelativeDraft[]> = (conversation, ctx) =>
  askRepeated(
    conversation,
    ctx,
    {
      intro: 'passport-ask-relatives',
      more: 'passport-ask-more-relatives',
      add: 'passport-add-relative',
      addMore: 'passport-add-another-relative',
    },
    askRelative,
  );

/** Asks the whole passport, in the order of SPEC §2 step 4. */
export async function askPassport(
  conversation: DialogueConversation,
  ctx: DialogueContext,
): Promise<PassportDraft> {
  const applicantName = await askApplicantName(conversation, ctx);
  const relationship = await askRelationship(conversation, ctx);
  const servicemanName = await askServicemanName(conversation, ctx);
  const servicemanBirthDate = await askServicemanBirthDate(conversation, ctx);
  const district = await askDistrict(conversation, ctx);
  const locality = await askLocality(conversation, ctx);
  const address = await askAddress(conversation, ctx);
  const children = await askChildren(conversation, ctx);
  const relatives = await askRelatives(conversation, ctx);
  return {
    applicantName,
    relationship,
    servicemanName,
    ...(servicemanBirthDate ? { servicemanBirthDate } : {}),
    ...district,
    locality,
    ...(address ? { address } : {}),
    children,
    relatives,
  };
}

/** Re-asks one field of a draft (the summary's «Изменить»); returns the changed draft. */
export async function editDraftField(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  draft: PassportDraft,
  field: PassportField,
): Promise<PassportDraft> {
  switch (field) {
    case 'applicantName':
      return { ...draft, applicantName: await askApplicantName(conversation, ctx) };
    case 'relationship':
      return { ...draft, relationship: await askRelationship(conversation, ctx) };
    case 'servicemanName':
      return { ...draft, servicemanName: await askServicemanName(conversation, ctx) };
    case 'servicemanBirthDate': {
      const { servicemanBirthDate: _old, ...rest } = draft;
      const date = await askServicemanBirthDate(conversation, ctx);
      return date ? { ...rest, servicemanBirthDate: date } : rest;
    }
    case 'district':
      return { ...draft, ...(await askDistrict(conversation, ctx)) };
    case 'locality':
      return { ...draft, locality: await askLocality(conversation, ctx) };
    case 'address': {
      const { address: _old, ...rest } = draft;
      const address = await askAddress(conversation, ctx);
      return address ? { ...rest, address } : rest;
    }
    case 'children':
      return { ...draft, children: await askChildren(conversation, ctx) };
    case 'relatives':
      return { ...draft, relatives: await askRelatives(conversation, ctx) };
  }
}
