import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askConfirm, askDate, askText, normalizePhone } from '../../bot/dialogue/questions.js';
import { keepTranscript, noteInTranscript, type Transcript } from '../../bot/dialogue/transcript.js';
import type { Db } from '../../db/client.js';
import { type RequestCategory, relationships, requestCategories } from '../../db/schema/enums.js';
import { regionDate } from '../../time.js';
import { recordStaffView } from '../delivery/retraction.js';
import { CONSENT_VERSION } from '../onboarding/consent/consent.js';
import { askChildren, askRelatives } from '../passport/passport.questions.js';
import { renderPassport } from '../passport/passport.render.js';
import { createPassportRepository } from '../passport/passport.repository.js';
import {
  addressSchema,
  fullNameSchema,
  localitySchema,
  type PassportDraft,
  passportDraftSchema,
} from '../passport/passport.schemas.js';
import { categoryLabel } from '../requests/requests.render.js';
import { createRequestsRepository } from '../requests/requests.repository.js';
import { type AttachmentInput, parseRequestDraft } from '../requests/requests.schemas.js';
import {
  closingSteps,
  type DialogueIo,
  type Draft,
  stepsOf,
  summaryText,
} from '../requests/requests.steps.js';
import { createRequest } from '../requests/requests.usecases.js';
import { refusalKey } from './curator-tools.conversation.js';
import { createCuratorToolsRepository } from './curator-tools.repository.js';
import { activeStaff, checkFamilyAccess } from './curator-tools.usecases.js';

export const INTAKE_CONVERSATION = 'ct-intake';
export const INTAKE_REQUEST_CONVERSATION = 'ct-intake-request';

/** A phone as a curator types it: +7 (900) 123-45-67, 89001234567 …; normalised before it is stored. */
export const intakePhoneSchema = z
  .string()
  .regex(/^[+\d\s()-]{10,25}$/)
  .refine((text) => /^\+\d{11,15}$/.test(normalizePhone(text)));

export type PhoneIntakeResult =
  | { ok: true; familyId: number; memberId: number }
  | { ok: false; reason: 'wrong_role' | 'out_of_scope' | 'phone_known' };

/**
 * Phone intake (SPEC §4): a curator registers a family that does not use Telegram. One transaction: the
 * family (reached by phone, in the curator's district, assigned to this curator), the member with the phone
 * and no Telegram account, consent given orally — recorded with the curator's id — and the passport.
 */
export async function registerFamilyByPhone(
  deps: { db: Db; now?: Date },
  input: { telegramId: number; phone: string; draft: PassportDraft },
): Promise<PhoneIntakeResult> {
  const now = deps.now ?? new Date();
  const draft = passportDraftSchema.parse(input.draft);
  const phone = normalizePhone(input.phone);
  return deps.db.transaction(async (tx) => {
    const presser = await activeStaff(tx, input.telegramId);
    if (presser?.role !== 'curator') return { ok: false, reason: 'wrong_role' } as const;
    if (!presser.districtIds.includes(draft.districtId))
      return { ok: false, reason: 'out_of_scope' } as const;
    // Two curators typing the same phone at once must not make two families.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`family-phone:${phone}`}))`);
    const repository = createCuratorToolsRepository({ db: tx });
    if (await repository.memberByPhone(phone)) return { ok: false, reason: 'phone_known' } as const;
    const familyId = await repository.insertPhoneFamily({
      districtId: draft.districtId,
      locality: draft.locality,
      address: draft.address ?? null,
      curatorId: presser.id,
      now,
    });
    const memberId = await repository.insertPhoneMember({
      familyId,
      fullName: draft.applicantName,
      relationship: draft.relationship,
      phone,
      consentVersion: CONSENT_VERSION,
      staffId: presser.id,
      now,
    });
    await repository.insertServiceman(familyId, draft.servicemanName, draft.servicemanBirthDate ?? null);
    const passport = createPassportRepository({ db: tx });
    for (const child of draft.children) await passport.insertChild(familyId, child);
    for (const relative of draft.relatives) await passport.insertRelative(familyId, relative);
    await repository.audit({
      staffId: presser.id,
      action: 'family_registered_by_phone',
      familyId,
      now,
    });
    return { ok: true, familyId, memberId } as const;
  });
}

async function askIntakePassport(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  districts: { id: number; name: string }[],
): Promise<PassportDraft> {
  const name = (key: string) =>
    askText(conversation, ctx, {
      question: ctx.t(key),
      maxLength: 200,
      schema: fullNameSchema,
      invalidHintKey: 'passport-hint-name',
    });
  const applicantName = await name('ct-intake-ask-applicant');
  const relationship = await askChoice(conversation, ctx, {
    question: ctx.t('ct-intake-ask-relationship'),
    options: relationships.map((value) => ({ value, label: ctx.t('passport-relationship', { value }) })),
    columns: 2,
  });
  const servicemanName = await name('ct-intake-ask-serviceman');
  const servicemanBirthDate = await askDate(conversation, ctx, {
    question: ctx.t('passport-ask-serviceman-birth-date'),
    skippable: true,
    birthOf: 'serviceman',
  });
  let district = districts[0]!;
  if (districts.length > 1) {
    const id = await askChoice(conversation, ctx, {
      question: ctx.t('ct-intake-ask-district'),
      options: districts.map((d) => ({ value: String(d.id), label: d.name })),
      columns: 2,
    });
    district = districts.find((d) => String(d.id) === id) ?? district;
  }
  const locality = await askText(conversation, ctx, {
    question: ctx.t('ct-intake-ask-locality'),
    maxLength: 200,
    schema: localitySchema,
    lettersHintKey: 'dialogue-hint-no-letters-place',
  });
  const address = await askText(conversation, ctx, {
    question: ctx.t('ct-intake-ask-address'),
    maxLength: 300,
    schema: addressSchema,
    lettersHintKey: 'dialogue-hint-no-letters-address',
    skippable: true,
  });
  const children = await askChildren(conversation, ctx);
  const relatives = await askRelatives(conversation, ctx);
  return {
    applicantName,
    relationship,
    servicemanName,
    ...(servicemanBirthDate ? { servicemanBirthDate } : {}),
    districtId: district.id,
    districtName: district.name,
    locality,
    ...(address ? { address } : {}),
    children,
    relatives,
  };
}

/**
 * What the curator and the bot wrote about the family in this dialogue so far, recorded against the family
 * (as a staff view of what=intake) so «Удалить мои данные» deletes those messages from the curator's chat,
 * and the dialogue marked as about the family, so its state leaves Redis then too (issue 13 §3).
 */
async function keepAboutFamily(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  transcript: Transcript,
  familyId: number,
) {
  ctx.dialogueTurn.aboutFamilyId = familyId;
  const messageIds = transcript.takeNew();
  const chatId = ctx.chat?.id;
  const telegramId = ctx.from?.id;
  if (messageIds.length === 0 || chatId === undefined || telegramId === undefined) return;
  await conversation.external(async (outside) => {
    const staff = await activeStaff(outside.deps.db, telegramId);
    if (!staff) return;
    await recordStaffView(outside.deps.db, {
      staffId: staff.id,
      chatId,
      messageIds,
      familyId,
      what: 'intake',
    });
  });
}

/** The request on the family's behalf: category, the category's own questions, summary, send. */
async function askIntakeRequest(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  family: { familyId: number; memberId: number; address: string | null; telegramId: number },
  transcript: Transcript,
) {
  const keep = () => keepAboutFamily(conversation, ctx, transcript, family.familyId);
  await keep();
  const category: RequestCategory = await askChoice(conversation, ctx, {
    question: ctx.t('ct-intake-ask-category'),
    options: requestCategories.map((value) => ({ value, label: categoryLabel(ctx.t, value) })),
  });
  const loaded = await conversation.external(async (outside) => ({
    household: await createRequestsRepository({ db: outside.deps.db }).household(family.familyId),
    submissionKey: randomBytes(12).toString('base64url'),
  }));
  const io: DialogueIo = { conversation, ctx, household: loaded.household, passportAddress: family.address };
  const draft: Draft = {};
  const files = { list: [] as AttachmentInput[] };
  const allSteps = () => [...stepsOf(category, io, draft), ...closingSteps(io, draft, files)];
  for (const step of allSteps()) {
    if (allSteps().some((current) => current.field === step.field)) await step.ask(draft);
    await keep();
  }
  const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
  const parsed = parseRequestDraft({ category, details: draft }, today);
  if (!parsed.success) {
    await ctx.reply(ctx.t('ct-intake-request-invalid'));
    return;
  }
  const send = await askConfirm(conversation, ctx, {
    question: `${summaryText(ctx, category, parsed.data.details, files.list.length)}\n\n${ctx.t('ct-intake-ask-send')}`,
    yes: ctx.t('req-summary-send'),
    no: ctx.t('req-summary-cancel'),
  });
  await keep();
  if (!send) {
    await ctx.reply(ctx.t('ct-intake-request-dropped'));
    return;
  }
  const result = await conversation.external(async (outside) => {
    // Checked again at the moment of saving: still active staff, still in scope of this family.
    const allowed = await checkFamilyAccess(
      { db: outside.deps.db },
      { telegramId: family.telegramId, familyId: family.familyId, curatorOnly: true },
    );
    if (!allowed.ok) return allowed;
    const saved = await createRequest(
      {
        db: outside.deps.db,
        timeZone: outside.deps.config.timeZone,
        policies: outside.deps.config.deadlinePolicies,
      },
      {
        familyId: family.familyId,
        memberId: family.memberId,
        submissionKey: loaded.submissionKey,
        draft: parsed.data,
        attachments: files.list,
        createdByStaffId: allowed.staffId,
      },
    );
    if (saved.ok)
      outside.log.info({ requestId: saved.request.id, category }, 'request created by phone intake');
    return saved;
  });
  if (!result.ok) {
    await ctx.reply(
      'issues' in result || result.reason === 'family_not_found'
        ? ctx.t('ct-intake-request-invalid')
        : ctx.t(refusalKey(result.reason)),
    );
    return;
  }
  await ctx.reply(ctx.t('ct-intake-request-created', { number: String(result.request.number) }));
}

/**
 * `/intake`: the curator registers a family on the phone (the passport fields of the family's own
 * registration, asked of the curator), with the family's oral consent, and then creates a request of any
 * category on its behalf — the same request dialogue and the same lifecycle and deadlines.
 */
export async function intakeDialogue(conversation: DialogueConversation, ctx: DialogueContext) {
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const districts = await conversation.external(async (outside) => {
    const staff = await activeStaff(outside.deps.db, telegramId);
    if (staff?.role !== 'curator') return undefined;
    return createCuratorToolsRepository({ db: outside.deps.db }).districtNames(staff.districtIds);
  });
  if (!districts || districts.length === 0) {
    await ctx.reply(ctx.t(refusalKey('wrong_role')));
    return;
  }
  // Everything the curator types from here on is about one family: kept so it can be taken back.
  const transcript = keepTranscript(conversation);
  await ctx.reply(ctx.t('ct-intake-intro'));
  const phone = normalizePhone(
    await askText(conversation, ctx, {
      question: ctx.t('ct-intake-ask-phone'),
      maxLength: 25,
      schema: intakePhoneSchema,
      invalidHintKey: 'ct-intake-hint-phone',
    }),
  );
  const known = await conversation.external(async (outside) =>
    Boolean(await createCuratorToolsRepository({ db: outside.deps.db }).memberByPhone(phone)),
  );
  if (known) {
    await ctx.reply(ctx.t('ct-intake-phone-known', { phone }));
    return;
  }
  const consent = await askConfirm(conversation, ctx, {
    question: ctx.t('ct-intake-ask-consent'),
    yes: ctx.t('ct-intake-consent-yes'),
    no: ctx.t('ct-intake-consent-no'),
  });
  if (!consent) {
    await ctx.reply(ctx.t('ct-intake-no-consent', { hotline: ctx.deps.config.hotlinePhone }));
    return;
  }
  const draft = await askIntakePassport(conversation, ctx, districts);
  const save = await askConfirm(conversation, ctx, {
    question: `${ctx.t('ct-intake-summary', { phone })}\n\n${renderPassport(ctx.t, draft)}\n\n${ctx.t('ct-intake-ask-save')}`,
    yes: ctx.t('ct-intake-save-yes'),
    no: ctx.t('ct-intake-save-no'),
  });
  if (!save) {
    await ctx.reply(ctx.t('ct-intake-dropped'));
    return;
  }
  const saved = await conversation.external(async (outside) => {
    const result = await registerFamilyByPhone({ db: outside.deps.db }, { telegramId, phone, draft });
    if (result.ok) outside.log.info({ familyId: result.familyId }, 'family registered by phone');
    else outside.log.warn({ reason: result.reason }, 'phone intake refused');
    return result;
  });
  if (!saved.ok) {
    await ctx.reply(
      saved.reason === 'phone_known'
        ? ctx.t('ct-intake-phone-known', { phone })
        : ctx.t(refusalKey(saved.reason)),
    );
    return;
  }
  noteInTranscript(conversation, (await ctx.reply(ctx.t('ct-intake-saved', { phone }))).message_id);
  await keepAboutFamily(conversation, ctx, transcript, saved.familyId);
  const wantsRequest = await askConfirm(conversation, ctx, {
    question: ctx.t('ct-intake-ask-request'),
    yes: ctx.t('ct-intake-request-yes'),
    no: ctx.t('ct-intake-request-no'),
  });
  if (!wantsRequest) {
    noteInTranscript(conversation, (await ctx.reply(ctx.t('ct-intake-done', { phone }))).message_id);
    await keepAboutFamily(conversation, ctx, transcript, saved.familyId);
    return;
  }
  await askIntakeRequest(
    conversation,
    ctx,
    { familyId: saved.familyId, memberId: saved.memberId, address: draft.address ?? null, telegramId },
    transcript,
  );
}

/**
 * «Оформить заявку» on the card of a family reached by phone: a later request on its behalf (the same
 * questions as in `/intake`), for the family's member who was registered on the phone.
 */
export async function intakeRequestDialogue(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  familyId: number,
) {
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const loaded = await conversation.external(async (outside) => {
    const allowed = await checkFamilyAccess(
      { db: outside.deps.db },
      { telegramId, familyId, curatorOnly: true },
    );
    if (!allowed.ok) return allowed;
    const repository = createCuratorToolsRepository({ db: outside.deps.db });
    const memberId = await repository.firstMemberId(familyId);
    const family = await createRequestsRepository({ db: outside.deps.db }).familyForRequest(familyId);
    if (memberId === undefined || !family) return { ok: false, reason: 'not_found' } as const;
    return { ok: true, memberId, address: family.address } as const;
  });
  if (!loaded.ok) {
    await ctx.reply(ctx.t(refusalKey(loaded.reason)));
    return;
  }
  await askIntakeRequest(
    conversation,
    ctx,
    { familyId, memberId: loaded.memberId, address: loaded.address, telegramId },
    keepTranscript(conversation),
  );
}
