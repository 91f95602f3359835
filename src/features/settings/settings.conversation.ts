import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askConfirm } from '../../bot/dialogue/questions.js';
import { forgetDialoguesAbout } from '../../bot/dialogue/storage.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { type Language, languages } from '../../db/schema/enums.js';
import { formatRegionTime } from '../../time.js';
import { announcementsOffFor, setAnnouncementsOff } from '../announcements/index.js';
import { createInviteLink } from '../family-invites/index.js';
import type { PassportOwner } from '../passport/index.js';
import { createRelayModes } from '../relay/index.js';
import { renderStoredData } from './settings.render.js';
import { collectStoredData, setMemberLanguage, withdrawConsent } from './settings.usecases.js';

export const SETTINGS_CONVERSATION = 'settings';

type SettingsAction = 'language' | 'announcements' | 'stored' | 'invite' | 'erase' | 'close';

/**
 * «Удалить мои данные» after a confirmation: consent withdrawn and the person's data erased (with their
 * dialogue drafts), and what Redis keeps by this chat and staff dialogues about the family go too.
 */
async function eraseMyData(conversation: DialogueConversation, ctx: DialogueContext, owner: PassportOwner) {
  const sure = await askConfirm(conversation, ctx, {
    question: ctx.t('settings-erase-confirm'),
    yes: ctx.t('settings-erase-yes'),
    no: ctx.t('settings-erase-no'),
  });
  if (!sure) {
    await ctx.reply(ctx.t('settings-erase-kept'), { reply_markup: mainMenuKeyboard(ctx.t) });
    return;
  }
  const telegramId = ctx.from?.id;
  if (telegramId === undefined) return;
  const result = await conversation.external(async (outside) => {
    const erased = await withdrawConsent({ db: outside.deps.db }, { ...owner, telegramId });
    const { redis, config } = outside.deps;
    // What Redis keeps by this chat goes too; the dialogue state goes when this dialogue ends.
    await createRelayModes({ redis, prefix: config.redisPrefix }).forget(telegramId);
    // So do staff dialogues about the family (a phone intake, a request on its behalf) and their state.
    const staffDialogues = erased.familyErased
      ? await forgetDialoguesAbout(redis, config.redisPrefix, owner.familyId)
      : [];
    outside.log.info(
      {
        familyId: owner.familyId,
        familyErased: erased.familyErased,
        staffDialoguesEnded: staffDialogues.length,
      },
      'consent withdrawn',
    );
    return erased;
  });
  await ctx.reply(
    ctx.t('settings-erased', {
      family: result.familyErased ? 'yes' : 'no',
      hotline: ctx.deps.config.hotlinePhone,
    }),
    { reply_markup: { remove_keyboard: true } },
  );
}

/**
 * Announcements from the service on or off (features/announcements); the curator's messages come either way.
 */
async function toggleAnnouncements(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  owner: PassportOwner,
  off: boolean,
) {
  await conversation.external((outside) => setAnnouncementsOff(outside.deps.db, owner, !off));
  await ctx.reply(ctx.t('settings-announcements-changed', { off: off ? 'no' : 'yes' }), {
    reply_markup: mainMenuKeyboard(ctx.t),
  });
}

/**
 * «Настройки»: language, announcements on or off, what is stored about me, an invite link for a second family member, and
 * «Удалить мои данные» (with a confirmation). One action per visit; the menu comes back after it.
 */
export async function settings(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  owner: PassportOwner,
) {
  const off = await conversation.external((outside) => announcementsOffFor(outside.deps.db, owner.memberId));
  const action = await askChoice<SettingsAction>(conversation, ctx, {
    question: ctx.t('settings-title'),
    options: [
      { value: 'language', label: ctx.t('settings-language') },
      { value: 'announcements', label: ctx.t('settings-announcements', { off: off ? 'yes' : 'no' }) },
      { value: 'stored', label: ctx.t('settings-stored') },
      { value: 'invite', label: ctx.t('passport-action-invite') },
      { value: 'erase', label: ctx.t('settings-erase') },
      { value: 'close', label: ctx.t('passport-action-close') },
    ],
  });
  switch (action) {
    case 'language': {
      const language = await askChoice<Language>(conversation, ctx, {
        question: ctx.t('settings-language-question'),
        options: languages.map((value) => ({ value, label: ctx.t('settings-language-name', { value }) })),
        columns: 2,
      });
      await conversation.external((outside) => setMemberLanguage({ db: outside.deps.db }, owner, language));
      // From here on the person reads the new language; the keyboard is rebuilt in it too.
      const t = ctx.deps.i18n.forLanguage(language);
      await ctx.reply(t('settings-language-changed'), { reply_markup: mainMenuKeyboard(t) });
      return;
    }
    case 'announcements':
      return toggleAnnouncements(conversation, ctx, owner, off);
    case 'stored': {
      const data = await conversation.external((outside) =>
        collectStoredData({ db: outside.deps.db }, owner),
      );
      const formatMoment = (iso: string) =>
        formatRegionTime(new Date(iso), ctx.deps.config.timeZone, ctx.language);
      const pieces = renderStoredData(ctx.t, data, formatMoment);
      for (const [index, piece] of pieces.entries()) {
        await ctx.reply(piece, index === pieces.length - 1 ? { reply_markup: mainMenuKeyboard(ctx.t) } : {});
      }
      return;
    }
    case 'invite': {
      const link = await conversation.external((outside) => createInviteLink(outside, owner));
      await ctx.reply(link.text, { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    case 'erase':
      return eraseMyData(conversation, ctx, owner);
    case 'close':
      await ctx.reply(ctx.t('menu-shown'), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
  }
}
