import { setChatCommands } from '../../bot/chat-commands.js';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askContact } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import {
  askApplicantName,
  askPassport,
  askRelationship,
  editDraftField,
} from '../passport/passport.questions.js';
import { renderPassport } from '../passport/passport.render.js';
import { type PassportDraft, type PassportField, passportFields } from '../passport/passport.schemas.js';
import { CONSENT_VERSION, type loadConsentTexts } from './consent/consent.js';
import { recordConsentRefusal } from './onboarding.repository.js';
import {
  checkFamilyInvite,
  joinFamilyByInvite,
  linkPhoneMember,
  registerFamily,
} from './onboarding.usecases.js';

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

/** The summary with «Всё верно» / «Изменить»; a chosen field is asked again, then the summary again. */
async function confirmDraft(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  first: PassportDraft,
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
    draft = await editDraftField(conversation, ctx, draft, field);
  }
  return draft;
}

/**
 * SPEC §2 steps 1–5: greeting → consent → own phone by the contact button → passport → summary with
 * edits → saved in one transaction with a curator assigned → the curator named, then the main menu.
 * With an invite payload the person joins that family instead of filling a passport.
 */
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

export function createOnboardingConversation(consentTexts: ConsentTexts) {
  return async function onboarding(
    conversation: DialogueConversation,
    ctx: DialogueContext,
    invitePayload?: string,
  ) {
    if (invitePayload) {
      const state = await conversation.external((outside) =>
        checkFamilyInvite({ db: outside.deps.db }, invitePayload),
      );
      if (state !== 'valid') {
        await ctx.reply(ctx.t(`onboarding-invite-${state}`), { reply_markup: { remove_keyboard: true } });
        return;
      }
    }
    await ctx.reply(ctx.t(invitePayload ? 'onboarding-greeting-invited' : 'start-greeting'));
    if (!(await askConsent(conversation, ctx, consentTexts))) return;
    const phone = await askContact(conversation, ctx, {
      question: ctx.t('onboarding-ask-contact'),
      buttonLabel: ctx.t('onboarding-contact-button'),
    });
    const telegramId = ctx.from?.id;
    if (telegramId === undefined) return;

    if (!invitePayload) {
      // A curator may have registered this family by phone already: this person joins it, nothing is asked twice.
      const language = ctx.language;
      const linked = await conversation.external((outside) =>
        linkPhoneMember(
          { db: outside.deps.db },
          { telegramId, phone, language, consentVersion: CONSENT_VERSION },
        ),
      );
      if (linked.ok) {
        await conversation.external((outside) =>
          outside.log.info(
            { familyId: linked.familyId, memberId: linked.memberId },
            'phone-intake member linked',
          ),
        );
        await ctx.reply(
          ctx.t('ct-linked', {
            curator: linked.curatorName ?? '',
            hasCurator: linked.curatorName ? 'yes' : 'no',
          }),
          { reply_markup: mainMenuKeyboard(ctx.t) },
        );
        await setFamilyCommands(ctx);
        return;
      }
    }

    if (invitePayload) {
      const fullName = await askApplicantName(conversation, ctx);
      const relationship = await askRelationship(conversation, ctx);
      const language = ctx.language;
      const joined = await conversation.external((outside) =>
        joinFamilyByInvite(
          { db: outside.deps.db },
          {
            payload: invitePayload,
            telegramId,
            phone,
            language,
            consentVersion: CONSENT_VERSION,
            fullName,
            relationship,
          },
        ),
      );
      if (!joined.ok) {
        await ctx.reply(ctx.t(`onboarding-invite-${joined.reason.replace('_', '-')}`));
        return;
      }
      await conversation.external((outside) =>
        outside.log.info(
          { familyId: joined.familyId, memberId: joined.memberId },
          'family member joined by invite',
        ),
      );
      await ctx.reply(
        ctx.t('onboarding-joined', {
          curator: joined.curatorName ?? '',
          hasCurator: joined.curatorName ? 'yes' : 'no',
        }),
        { reply_markup: mainMenuKeyboard(ctx.t) },
      );
      await setFamilyCommands(ctx);
      return;
    }

    await ctx.reply(ctx.t('onboarding-passport-intro'));
    const draft = await confirmDraft(conversation, ctx, await askPassport(conversation, ctx));
    const language = ctx.language;
    const registered = await conversation.external((outside) =>
      registerFamily(
        { db: outside.deps.db },
        { telegramId, phone, language, consentVersion: CONSENT_VERSION, draft },
      ),
    );
    if (!registered.ok) {
      await ctx.reply(ctx.t('onboarding-already-registered'), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    await conversation.external((outside) =>
      outside.log.info(
        {
          familyId: registered.familyId,
          memberId: registered.memberId,
          hasCurator: Boolean(registered.curatorName),
        },
        'family registered',
      ),
    );
    await ctx.reply(
      registered.curatorName
        ? ctx.t('onboarding-done-with-curator', { curator: registered.curatorName })
        : ctx.t('onboarding-done-without-curator'),
      { reply_markup: mainMenuKeyboard(ctx.t) },
    );
    await setFamilyCommands(ctx);
  };
}
