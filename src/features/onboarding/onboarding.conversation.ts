import { setChatCommands } from '../../bot/chat-commands.js';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { type Checkpoints, openDraft } from '../../bot/dialogue/checkpoints.js';
import { askChoice, askContact } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { checkFamilyInvite } from '../family-invites/index.js';
import {
  askApplicantName,
  askPassport,
  askRelationship,
  editDraftField,
  type PassportDraft,
  type PassportField,
  passportFields,
  renderPassport,
} from '../passport/index.js';
import { CONSENT_VERSION, type loadConsentTexts } from './consent/consent.js';
import { recordConsentRefusal } from './onboarding.repository.js';
import { joinFamilyByInvite, linkPhoneMember, registerFamily } from './onboarding.usecases.js';

export const ONBOARDING_CONVERSATION = 'onboarding';

/** Most rounds of «Изменить» in the summary before we save what we have and point to the passport. */
const MAX_SUMMARY_EDITS = 15;

type ConsentTexts = ReturnType<typeof loadConsentTexts>;

/** Shows the consent text as its own message; refusal records only the refusal and shows the hotline. */
async function askConsent(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  consentTexts: ConsentTexts,
): Promise<boolean> {
  await ctx.reply(consentTexts[ctx.language]);
  const decision = await askChoice(conversation, ctx, {
    question: ctx.t('onboarding-consent-question'),
    options: [
      { value: 'agree', label: ctx.t('onboarding-consent-agree') },
      { value: 'refuse', label: ctx.t('onboarding-consent-refuse') },
    ],
  });
  if (decision === 'agree') return true;
  const telegramId = ctx.from?.id;
  if (telegramId !== undefined) {
    await conversation.external((outside) =>
      recordConsentRefusal(outside.deps.db, telegramId, CONSENT_VERSION),
    );
  }
  await ctx.reply(ctx.t('onboarding-consent-refused', { hotline: ctx.deps.config.hotlinePhone }), {
    reply_markup: { remove_keyboard: true },
  });
  return false;
}

/**
 * The summary with «Всё верно» / «Изменить»; a chosen field is asked again, then the summary again. An
 * edit is kept in the draft like any answer; the summary itself is not (a resumed dialogue shows it again).
 */
async function confirmDraft(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  first: PassportDraft,
  saved: Checkpoints,
): Promise<PassportDraft> {
  let draft = first;
  for (let edits = 0; edits < MAX_SUMMARY_EDITS; edits++) {
    await ctx.reply(`${ctx.t('onboarding-summary-title')}\n\n${renderPassport(ctx.t, draft)}`);
    const action = await askChoice(conversation, ctx, {
      question: ctx.t('onboarding-summary-question'),
      options: [
        { value: 'save', label: ctx.t('onboarding-summary-save') },
        { value: 'edit', label: ctx.t('onboarding-summary-edit') },
      ],
      columns: 2,
    });
    if (action === 'save') return draft;
    const field = await askChoice<PassportField>(conversation, ctx, {
      question: ctx.t('passport-which-field'),
      options: passportFields.map((value) => ({ value, label: ctx.t('passport-field', { field: value }) })),
      columns: 2,
    });
    draft = await editDraftField(conversation, ctx, draft, field, saved);
  }
  return draft;
}

/** A registered member's own command menu in this chat (families' commands, in their language). */
async function setFamilyCommands(ctx: DialogueContext) {
  if (!ctx.chat) return;
  await setChatCommands(
    { api: ctx.api, i18n: ctx.deps.i18n, logger: ctx.log },
    ctx.chat.id,
    'family',
    ctx.language,
  );
}

/** How a registration ended: the person is a member of a family now (the one end of registration). */
interface Registered {
  familyId: number;
  memberId: number;
  curatorName?: string;
  /** The log line, without personal data. */
  event: 'phone-intake member linked' | 'family member joined by invite' | 'family registered';
  /** What the person reads. */
  text: string;
}

/** The one end of a registration: logged, the person told (with their curator when there is one), the menu. */
async function welcome(conversation: DialogueConversation, ctx: DialogueContext, done: Registered) {
  await conversation.external((outside) =>
    outside.log.info(
      { familyId: done.familyId, memberId: done.memberId, hasCurator: Boolean(done.curatorName) },
      done.event,
    ),
  );
  await ctx.reply(done.text, { reply_markup: mainMenuKeyboard(ctx.t) });
  await setFamilyCommands(ctx);
}

const curatorArgs = (curatorName: string | undefined) => ({
  curator: curatorName ?? '',
  hasCurator: curatorName ? 'yes' : 'no',
});

/** Greeting and consent, before anything is kept; false when the person does not go on. */
async function begin(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  consentTexts: ConsentTexts,
  invitePayload: string | undefined,
): Promise<boolean> {
  if (invitePayload) {
    const state = await conversation.external((outside) =>
      checkFamilyInvite({ db: outside.deps.db }, invitePayload),
    );
    if (state !== 'valid') {
      await ctx.reply(ctx.t(`onboarding-invite-${state}`), { reply_markup: { remove_keyboard: true } });
      return false;
    }
  }
  await ctx.reply(ctx.t(invitePayload ? 'onboarding-greeting-invited' : 'start-greeting'));
  return askConsent(conversation, ctx, consentTexts);
}

/** By a family invite: name and relationship, then the person joins that family. */
async function joinByInvite(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  person: { telegramId: number; phone: string; payload: string },
): Promise<Registered | undefined> {
  const fullName = await saved.remember('applicantName', () => askApplicantName(conversation, ctx));
  const relationship = await saved.remember('relationship', () => askRelationship(conversation, ctx));
  const language = ctx.language;
  const joined = await conversation.external((outside) =>
    joinFamilyByInvite(
      { db: outside.deps.db },
      { ...person, language, consentVersion: CONSENT_VERSION, fullName, relationship },
    ),
  );
  if (!joined.ok) {
    await ctx.reply(ctx.t(`onboarding-invite-${joined.reason.replace('_', '-')}`));
    return undefined;
  }
  return {
    ...joined,
    event: 'family member joined by invite',
    text: ctx.t('onboarding-joined', curatorArgs(joined.curatorName)),
  };
}

/** A new family: the passport, its summary, then the family saved with a curator assigned. */
async function registerNewFamily(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  person: { telegramId: number; phone: string },
): Promise<Registered | undefined> {
  if (!saved.has(passportFields[0])) await ctx.reply(ctx.t('onboarding-passport-intro'));
  const draft = await confirmDraft(conversation, ctx, await askPassport(conversation, ctx, saved), saved);
  const language = ctx.language;
  const registered = await conversation.external((outside) =>
    registerFamily({ db: outside.deps.db }, { ...person, language, consentVersion: CONSENT_VERSION, draft }),
  );
  if (!registered.ok) {
    await ctx.reply(ctx.t('onboarding-already-registered'), { reply_markup: mainMenuKeyboard(ctx.t) });
    return undefined;
  }
  return {
    ...registered,
    event: 'family registered',
    text: registered.curatorName
      ? ctx.t('onboarding-done-with-curator', { curator: registered.curatorName })
      : ctx.t('onboarding-done-without-curator', {
          supervisor: registered.supervisorToTell ? 'yes' : 'no',
          hotline: ctx.deps.config.hotlinePhone,
        }),
  };
}

/** After consent: the own phone, then joining a family (an invite, or one a curator registered by phone) or a new one. */
async function register(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  saved: Checkpoints,
  telegramId: number,
  invitePayload: string | undefined,
): Promise<Registered | undefined> {
  const phone = await saved.remember('phone', () =>
    askContact(conversation, ctx, {
      question: ctx.t('onboarding-ask-contact'),
      buttonLabel: ctx.t('onboarding-contact-button'),
    }),
  );
  if (invitePayload)
    return joinByInvite(conversation, ctx, saved, { telegramId, phone, payload: invitePayload });
  // A curator may have registered this family by phone already: this person joins it, nothing is asked twice.
  // Looked up once, right after the phone is given (the dialogue is re-entered after every answer).
  if (!saved.has('phoneLookedUp')) {
    const language = ctx.language;
    const linked = await conversation.external((outside) =>
      linkPhoneMember(
        { db: outside.deps.db },
        { telegramId, phone, language, consentVersion: CONSENT_VERSION },
      ),
    );
    if (linked.ok) {
      return {
        ...linked,
        event: 'phone-intake member linked',
        text: ctx.t('ct-linked', curatorArgs(linked.curatorName)),
      };
    }
    await saved.put('phoneLookedUp', true);
  }
  return registerNewFamily(conversation, ctx, saved, { telegramId, phone });
}

/**
 * SPEC §2 steps 1–5: greeting → consent → own phone by the contact button → passport → summary with
 * edits → saved in one transaction with a curator assigned → the curator named, then the main menu.
 * With an invite payload the person joins that family instead of filling a passport. From consent on,
 * each answer is kept in the person's draft: a registration whose live state was lost goes on from there
 * (checkpoints.ts), never asking consent again.
 */
export function createOnboardingConversation(consentTexts: ConsentTexts) {
  return async function onboarding(
    conversation: DialogueConversation,
    ctx: DialogueContext,
    invitePayload?: string,
  ) {
    const telegramId = ctx.from?.id;
    if (telegramId === undefined) return;
    const opened = await openDraft(
      conversation,
      ctx,
      {
        dialogue: ONBOARDING_CONVERSATION,
        args: invitePayload ? [invitePayload] : [],
        consentVersion: CONSENT_VERSION,
      },
      { restartAtCheckpoints: true },
    );
    const invite = typeof opened.args[0] === 'string' ? opened.args[0] : undefined;
    if (!opened.resumed) {
      if (!(await begin(conversation, ctx, consentTexts, invite))) return;
      // Consent given: from here on the answers may be kept.
      await opened.saved.save('consent');
    }
    const done = await register(conversation, ctx, opened.saved, telegramId, invite);
    await opened.saved.discard();
    if (done) await welcome(conversation, ctx, done);
  };
}
