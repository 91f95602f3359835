import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askConfirm } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { createInviteLink } from '../onboarding/family-invite.link.js';
import { askChild, askRelative, editDraftField } from './passport.questions.js';
import { renderPassport } from './passport.render.js';
import { type PassportField, passportFields } from './passport.schemas.js';
import {
  addChild,
  addRelative,
  loadPassport,
  type PassportOwner,
  removeHouseholdMember,
  savePassportFields,
} from './passport.usecases.js';

export const PASSPORT_CONVERSATION = 'passport';

/** Rounds of «what next?» in one visit; then the dialogue ends with the menu (the replay log stays short). */
const MAX_ROUNDS = 10;

const scalarFields = passportFields.filter(
  (field): field is Exclude<PassportField, 'children' | 'relatives'> =>
    field !== 'children' && field !== 'relatives',
);

type PassportAction = 'edit' | 'add_child' | 'add_relative' | 'remove' | 'invite' | 'close';

/**
 * «Социальный паспорт»: the family's passport, then change a field, add a child or a relative (also the
 * ones skipped at registration), remove one, or get an invite link for a second family member. Every
 * change is saved at once. The family is the member's own, passed in from the server-side member row.
 */
export async function passport(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  owner: PassportOwner,
) {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stored = await conversation.external((outside) => loadPassport({ db: outside.deps.db }, owner));
    if (!stored) {
      await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    if (round === 0) {
      const curator = stored.curatorName
        ? ctx.t('passport-curator', { curator: stored.curatorName })
        : ctx.t('passport-no-curator');
      await ctx.reply(`${ctx.t('passport-title')}\n\n${renderPassport(ctx.t, stored.draft)}\n\n${curator}`);
    }
    const household = [
      ...stored.draft.children.map((child, index) => ({
        id: stored.householdIds.children[index]!,
        label: child.fullName,
      })),
      ...stored.draft.relatives.map((relative, index) => ({
        id: stored.householdIds.relatives[index]!,
        label: relative.fullName,
      })),
    ];
    const actions: { value: PassportAction; label: string }[] = [
      { value: 'edit', label: ctx.t('passport-action-edit') },
      { value: 'add_child', label: ctx.t('passport-add-child') },
      { value: 'add_relative', label: ctx.t('passport-add-relative') },
      ...(household.length > 0 ? [{ value: 'remove' as const, label: ctx.t('passport-action-remove') }] : []),
      { value: 'invite', label: ctx.t('passport-action-invite') },
      { value: 'close', label: ctx.t('passport-action-close') },
    ];
    const action = await askChoice(conversation, ctx, {
      question: ctx.t(round === 0 ? 'passport-what-next' : 'passport-what-else'),
      options: actions,
      columns: 2,
    });
    switch (action) {
      case 'close':
        await ctx.reply(ctx.t('menu-shown'), { reply_markup: mainMenuKeyboard(ctx.t) });
        return;
      case 'edit': {
        const field = await askChoice(conversation, ctx, {
          question: ctx.t('passport-which-field'),
          options: scalarFields.map((value) => ({ value, label: ctx.t('passport-field', { field: value }) })),
          columns: 2,
        });
        const draft = await editDraftField(conversation, ctx, stored.draft, field);
        const result = await conversation.external((outside) =>
          savePassportFields({ db: outside.deps.db }, owner, draft),
        );
        await ctx.reply(ctx.t(result.curatorChanged ? 'passport-saved-district' : 'passport-saved'));
        break;
      }
      case 'add_child': {
        const child = await askChild(conversation, ctx);
        await conversation.external((outside) => addChild({ db: outside.deps.db }, owner, child));
        await ctx.reply(ctx.t('passport-saved'));
        break;
      }
      case 'add_relative': {
        const relative = await askRelative(conversation, ctx);
        await conversation.external((outside) => addRelative({ db: outside.deps.db }, owner, relative));
        await ctx.reply(ctx.t('passport-saved'));
        break;
      }
      case 'remove': {
        const chosen = await askChoice(conversation, ctx, {
          question: ctx.t('passport-which-remove'),
          options: household.map((entry) => ({ value: String(entry.id), label: entry.label })),
        });
        const entry = household.find((candidate) => String(candidate.id) === chosen);
        if (!entry) break;
        const sure = await askConfirm(conversation, ctx, {
          question: ctx.t('passport-remove-confirm', { name: entry.label }),
          yes: ctx.t('passport-remove-yes'),
          no: ctx.t('passport-remove-no'),
        });
        if (!sure) break;
        await conversation.external((outside) =>
          removeHouseholdMember({ db: outside.deps.db }, owner, entry.id),
        );
        await ctx.reply(ctx.t('passport-removed'));
        break;
      }
      case 'invite': {
        const link = await conversation.external((outside) => createInviteLink(outside, owner));
        await ctx.reply(link.text);
        break;
      }
    }
  }
  await ctx.reply(ctx.t('menu-shown'), { reply_markup: mainMenuKeyboard(ctx.t) });
}
