import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { BotContext, DialogueContext, DialogueConversation } from '../../bot/context.js';
import { type Checkpoints, openDraft } from '../../bot/dialogue/checkpoints.js';
import { createDraftsRepository } from '../../bot/dialogue/drafts.js';
import { askChoice, askConfirm, askDate, askText, normalizePhone } from '../../bot/dialogue/questions.js';
import { keepTranscript, noteInTranscript, type Transcript } from '../../bot/dialogue/transcript.js';
import type { Db } from '../../db/client.js';
import { type RequestCategory, relationships, requestCategories } from '../../db/schema/enums.js';
import { regionDate } from '../../time.js';
import { familyInChat, recordStaffView } from '../delivery/index.js';
import { CONSENT_VERSION } from '../onboarding/index.js';
import {
  addHousehold,
  addressSchema,
  askChildren,
  askRelatives,
  fullNameSchema,
  localitySchema,
  type PassportDraft,
  passportDraftSchema,
  renderPassport,
} from '../passport/index.js';
import {
  type Asking,
  type AttachmentInput,
  askAll,
  categoryLabel,
  createRequest,
  type DialogueIo,
  nothingHeld,
  type Progress,
  parseRequestDraft,
  passportForRequest,
  summaryText,
} from '../requests/index.js';
import { refusalKey } from './curator-tools.conversation.js';
import { createCuratorToolsRepository } from './curator-tools.repository.js';
import { activeStaff, cardRecipient, checkFamilyAccess } from './curator-tools.usecases.js';

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
    await addHousehold(tx, familyId, draft);
    await repository.audit({
      staffId: presser.id,
      action: 'family_registered_by_phone',
      familyId,
      now,
    });
    return { ok: true, familyId, memberId } as const;
  });
}

/**
 * The passport fields, asked of the curator; each answer kept in the curator's draft as it is given, so an
 * intake whose live state was lost goes on from the question it stopped at.
 */
async function askIntakePassport(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  districts: { id: number; name: string }[],
  saved: Checkpoints,
): Promise<PassportDraft> {
  const name = (key: string) =>
    askText(conversation, ctx, {
      question: ctx.t(key),
      maxLength: 200,
      schema: fullNameSchema,
      invalidHintKey: 'passport-hint-name',
    });
  const applicantName = await saved.remember('applicantName', () => name('ct-intake-ask-applicant'));
  const relationship = await saved.remember('relationship', () =>
    askChoice(conversation, ctx, {
      question: ctx.t('ct-intake-ask-relationship'),
      options: relationships.map((value) => ({ value, label: ctx.t('passport-relationship', { value }) })),
      columns: 2,
    }),
  );
  const servicemanName = await saved.remember('servicemanName', () => name('ct-intake-ask-serviceman'));
  const servicemanBirthDate = await saved.remember('servicemanBirthDate', () =>
    askDate(conversation, ctx, {
      question: ctx.t('ct-intake-ask-serviceman-birth-date'),
      skippable: true,
      birthOf: 'serviceman',
    }),
  );
  const districtId = await saved.remember('district', async () =>
    districts.length > 1
      ? askChoice(conversation, ctx, {
          question: ctx.t('ct-intake-ask-district'),
          options: districts.map((d) => ({ value: String(d.id), label: d.name })),
          columns: 2,
        })
      : String(districts[0]!.id),
  );
  const district = districts.find((d) => String(d.id) === districtId) ?? districts[0]!;
  const locality = await saved.remember('locality', () =>
    askText(conversation, ctx, {
      question: ctx.t('ct-intake-ask-locality'),
      maxLength: 200,
      schema: localitySchema,
      lettersHintKey: 'dialogue-hint-no-letters-place',
    }),
  );
  const address = await saved.remember('address', () =>
    askText(conversation, ctx, {
      question: ctx.t('ct-intake-ask-address'),
      maxLength: 300,
      schema: addressSchema,
      lettersHintKey: 'dialogue-hint-no-letters-address',
      skippable: true,
    }),
  );
  const children = await saved.remember('children', () =>
    askChildren(conversation, ctx, saved, 'ct-intake-ask-children'),
  );
  const relatives = await saved.remember('relatives', () =>
    askRelatives(conversation, ctx, saved, 'ct-intake-ask-relatives'),
  );
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

/** A request made on a family's behalf, as its dialogue is asked: who, and where its answers are kept. */
interface OnBehalf {
  family: {
    familyId: number;
    memberId: number;
    /** The member's phone, for the family card's command in what the curator reads (`/family <phone>`). */
    phone: string | null;
    address: string | null;
    /** The passport's children and relatives, read with the address when the dialogue (re)starts. */
    household: DialogueIo['household'];
    telegramId: number;
    /** Whether anyone of the family is in chat with the bot (a family registered by phone: nobody). */
    inChat: boolean;
  };
  transcript: Transcript;
  saved: Checkpoints;
}

/** The category (kept) and the request's one key (kept: a resumed dialogue saves once). */
async function prepareIntakeRequest(conversation: DialogueConversation, ctx: DialogueContext, req: OnBehalf) {
  const { saved } = req;
  const category: RequestCategory = await saved.remember('category', () =>
    askChoice(conversation, ctx, {
      question: ctx.t('ct-intake-ask-category'),
      options: requestCategories.map((value) => ({ value, label: categoryLabel(ctx.t, value) })),
    }),
  );
  const submissionKey = await saved.remember('submissionKey', () =>
    conversation.external(() => randomBytes(12).toString('base64url')),
  );
  return { category, submissionKey };
}

/**
 * The request on the family's behalf: category, the category's own questions, summary, send. Each answer is
 * kept in the curator's draft about the family (as the family's own request dialogue keeps its answers), so
 * a request whose live state was lost goes on from the question it stopped at.
 */
async function askIntakeRequest(conversation: DialogueConversation, ctx: DialogueContext, req: OnBehalf) {
  const { family, transcript, saved } = req;
  const keep = () => keepAboutFamily(conversation, ctx, transcript, family.familyId);
  await keep();
  const { category, submissionKey } = await prepareIntakeRequest(conversation, ctx, req);
  // The curator asks the family on the phone: the questions that speak to the family read in words for her.
  const io = {
    conversation,
    ctx,
    household: family.household,
    passportAddress: family.address,
    saved,
    voice: 'staff' as const,
    familyInChat: family.inChat,
  };
  const progress = saved.get<Progress>('progress') ?? { details: {}, files: [], done: [] };
  const asking: Asking = { category, io, progress, held: nothingHeld(), afterStep: keep };
  await askAll(asking);
  const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
  const parsed = parseRequestDraft({ category, details: progress.details }, today);
  const card = { phone: family.phone ?? '' };
  if (!parsed.success) {
    await ctx.reply(ctx.t('ct-intake-request-invalid', card));
    return;
  }
  const send = await askConfirm(conversation, ctx, {
    question: `${summaryText(ctx, category, parsed.data.details, progress.files.length, 'staff')}\n\n${ctx.t('ct-intake-ask-send')}`,
    // Not the family's «Отправить куратору»: the one pressing it is a curator.
    yes: ctx.t('ct-intake-send'),
    no: ctx.t('req-summary-cancel'),
  });
  await keep();
  if (!send) {
    await ctx.reply(ctx.t('ct-intake-request-dropped', card));
    return;
  }
  const submission = { submissionKey, draft: parsed.data, attachments: progress.files };
  const result = await conversation.external((outside) =>
    saveOnBehalf(outside, family, category, submission),
  );
  if (!result.ok) {
    await ctx.reply(
      'issues' in result || result.reason === 'family_not_found'
        ? ctx.t('ct-intake-request-invalid', card)
        : ctx.t(refusalKey(result.reason)),
    );
    return;
  }
  await ctx.reply(
    ctx.t('ct-intake-request-created', {
      number: String(result.request.number),
      to: result.card.to,
      name: 'name' in result.card ? result.card.name : '',
    }),
  );
}

/** Saves the request on the family's behalf, checked again at the moment of saving: still active staff, still in scope. */
async function saveOnBehalf(
  outside: BotContext,
  family: OnBehalf['family'],
  category: RequestCategory,
  submission: {
    submissionKey: string;
    draft: Extract<ReturnType<typeof parseRequestDraft>, { success: true }>['data'];
    attachments: AttachmentInput[];
  },
) {
  const allowed = await checkFamilyAccess(
    { db: outside.deps.db },
    { telegramId: family.telegramId, familyId: family.familyId, curatorOnly: true },
  );
  if (!allowed.ok) return allowed;
  const { db, config } = outside.deps;
  const saved = await createRequest(
    { db, timeZone: config.timeZone, policies: config.deadlinePolicies },
    {
      familyId: family.familyId,
      memberId: family.memberId,
      ...submission,
      createdByStaffId: allowed.staffId,
    },
  );
  if (!saved.ok) return saved;
  outside.log.info({ requestId: saved.request.id, category }, 'request created by phone intake');
  const card = await cardRecipient(db, { familyId: family.familyId, presserId: allowed.staffId });
  return { ...saved, card };
}

/**
 * The family's phone (not one we know already), then whether the family consents to registration; the
 * phone, or undefined when the intake ends here. Nothing is kept before that consent.
 */
async function askPhoneAndConsent(
  conversation: DialogueConversation,
  ctx: DialogueContext,
): Promise<string | undefined> {
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
    return undefined;
  }
  const consent = await askConfirm(conversation, ctx, {
    question: ctx.t('ct-intake-ask-consent'),
    yes: ctx.t('ct-intake-consent-yes'),
    no: ctx.t('ct-intake-consent-no'),
  });
  if (!consent) {
    await ctx.reply(ctx.t('ct-intake-no-consent', { hotline: ctx.deps.config.hotlinePhone }));
    return undefined;
  }
  return phone;
}

/** The summary with «Сохранить», then the family saved; undefined when dropped or refused. */
async function saveFamily(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  input: { telegramId: number; phone: string; draft: PassportDraft },
): Promise<Extract<PhoneIntakeResult, { ok: true }> | undefined> {
  const { phone, draft } = input;
  const save = await askConfirm(conversation, ctx, {
    question: `${ctx.t('ct-intake-summary', { phone })}\n\n${renderPassport(ctx.t, draft)}\n\n${ctx.t('ct-intake-ask-save')}`,
    yes: ctx.t('ct-intake-save-yes'),
    no: ctx.t('ct-intake-save-no'),
  });
  if (!save) {
    await ctx.reply(ctx.t('ct-intake-dropped'));
    return undefined;
  }
  const saved = await conversation.external(async (outside) => {
    const result = await registerFamilyByPhone({ db: outside.deps.db }, input);
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
    return undefined;
  }
  return saved;
}

/**
 * `/intake`: the curator registers a family on the phone (the passport fields of the family's own
 * registration, asked of the curator), with the family's oral consent, and then creates a request of any
 * category on its behalf — the same request dialogue and the same lifecycle and deadlines.
 */
export async function intakeDialogue(conversation: DialogueConversation, ctx: DialogueContext) {
  ctx.dialogueTurn.staffDialogue = true;
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
  const opened = await openDraft(conversation, ctx, {
    dialogue: INTAKE_CONVERSATION,
    args: [],
    consentVersion: CONSENT_VERSION,
  });
  const phone = opened.saved.get<string>('phone') ?? (await askPhoneAndConsent(conversation, ctx));
  if (phone === undefined) return;
  // The family's oral consent given: from here on the answers may be kept.
  if (!opened.resumed) await opened.saved.put('phone', phone);
  const draft = await askIntakePassport(conversation, ctx, districts, opened.saved);
  const saved = await saveFamily(conversation, ctx, { telegramId, phone, draft });
  // Saved or dropped, the family's passport is no longer a draft (a request on its behalf is asked next).
  await opened.saved.discard();
  if (!saved) return;
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
  // The request is a dialogue of its own, entered right after this one ends, in this update: it keeps its
  // answers in a draft about the family (intakeRequestDialogue).
  await keepAboutFamily(conversation, ctx, transcript, saved.familyId);
  ctx.dialogueTurn.reenter = { dialogue: INTAKE_REQUEST_CONVERSATION, args: [saved.familyId] };
}

/** A refused request on the family's behalf leaves no draft to go back to (a draft about another family stays). */
async function eraseDraftAbout(db: Db, telegramId: number, familyId: number) {
  const drafts = createDraftsRepository(db);
  const draft = await drafts.find(telegramId, INTAKE_REQUEST_CONVERSATION);
  if (draft?.aboutFamilyId === familyId) await drafts.erase(telegramId, [INTAKE_REQUEST_CONVERSATION]);
}

/**
 * A request on behalf of a family reached by phone, for its member registered on the phone: from `/intake`
 * once the family is saved, or from «Оформить заявку» on its card later. Its answers are kept in the
 * curator's draft about the family, and each kept answer starts the dialogue over from the draft (short
 * replays), as in the family's own request dialogue.
 */
export async function intakeRequestDialogue(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  familyId: number,
) {
  ctx.dialogueTurn.staffDialogue = true;
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const loaded = await conversation.external(async (outside) => {
    const allowed = await checkFamilyAccess(
      { db: outside.deps.db },
      { telegramId, familyId, curatorOnly: true },
    );
    if (!allowed.ok) {
      await eraseDraftAbout(outside.deps.db, telegramId, familyId);
      return allowed;
    }
    const repository = createCuratorToolsRepository({ db: outside.deps.db });
    const member = await repository.firstMember(familyId);
    const passport = await passportForRequest(outside.deps.db, familyId);
    if (member === undefined || !passport) return { ok: false, reason: 'not_found' } as const;
    const { address, household } = passport;
    const inChat = await familyInChat(outside.deps.db, familyId);
    return { ok: true, memberId: member.id, phone: member.phone, address, household, inChat } as const;
  });
  if (!loaded.ok) {
    await ctx.reply(ctx.t(refusalKey(loaded.reason)));
    return;
  }
  const opened = await openDraft(
    conversation,
    ctx,
    {
      dialogue: INTAKE_REQUEST_CONVERSATION,
      args: [familyId],
      consentVersion: CONSENT_VERSION,
      aboutFamilyId: familyId,
    },
    { restartAtCheckpoints: true, sameArgsOnly: true },
  );
  const { memberId, phone, address, household, inChat } = loaded;
  const family = { familyId, memberId, phone, address, household, telegramId, inChat };
  await askIntakeRequest(conversation, ctx, {
    family,
    transcript: keepTranscript(conversation),
    saved: opened.saved,
  });
  await opened.saved.discard();
}
