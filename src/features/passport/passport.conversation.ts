import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askConfirm } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { createInviteLink } from '../family-invites/index.js';
import { askChild, askRelative, editDraftField } from './passport.questions.js';
import { renderPassport } from './passport.render.js';
import { type PassportField, passportFields } from './passport.schemas.js';
import {
  addChild,
  addRelative,
  loadPassport,
  type PassportOwner,
  removeHouseholdMember,
  saveEmployment,
  savePassportFields,
} from './passport.usecases.js';

export const PASSPORT_CONVERSATION = 'passport';

/** Rounds of «what next?» in one visit; then the dialogue ends with the menu (the replay log stays short). */
const MAX_ROUNDS = 10;

const scalarFields = passportFields.filter(
  (field): field is Exclude<PassportField, 'children' | 'relatives'> =>
    field !== 'children' && field !== 'relatives',
);

type PassportAction = 'edit' | 'employment' | 'add_child' | 'add_relative' | 'remove' | 'invite' | 'close';

type StoredPassport = NonNullable<Awaited<ReturnType<typeof loadPassport>>>;
type HouseholdEntry = { id: number; label: string };

function householdOf(stored: StoredPassport): HouseholdEntry[] {
  return [
    ...stored.draft.children.map((child, index) => ({
      id: stored.householdIds.children[index]!,
      label: child.fullName,
    })),
    ...stored.draft.relatives.map((relative, index) => ({
      id: stored.householdIds.relatives[index]!,
      label: relative.fullName,
    })),
  ];
}

/** Removes one of the household after «Точно удалить?». */
async function removeOne(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  owner: PassportOwner,
  household: HouseholdEntry[],
) {
  const chosen = await askChoice(conversation, ctx, {
    question: ctx.t('passport-which-remove'),
    options: household.map((entry) => ({ value: String(entry.id), label: entry.label })),
  });
  const entry = household.find((candidate) => String(candidate.id) === chosen);
  if (!entry) return;
  const sure = await askConfirm(conversation, ctx, {
    question: ctx.t('passport-remove-confirm', { name: entry.label }),
    yes: ctx.t('passport-remove-yes'),
    no: ctx.t('passport-remove-no'),
  });
  if (!sure) return;
  await conversation.external((outside) => removeHouseholdMember({ db: outside.deps.db }, owner, entry.id));
  await ctx.reply(ctx.t('passport-removed'));
}

/** One change of the passport (every change is saved at once). */
async function change(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  owner: PassportOwner,
  stored: StoredPassport,
  action: Exclude<PassportAction, 'close'>,
) {
  switch (action) {
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
      return;
    }
    case 'employment': {
      const value = await askChoice(conversation, ctx, {
        question: ctx.t('passport-ask-employment'),
        options: (['employed', 'unemployed', 'unsaid'] as const).map((v) => ({
          value: v,
          label: ctx.t('passport-employment', { value: v }),
        })),
        columns: 1,
      });
      await conversation.external((outside) => saveEmployment({ db: outside.deps.db }, owner, value));
      await ctx.reply(ctx.t('passport-saved'));
      return;
    }
    case 'add_child': {
      const child = await askChild(conversation, ctx);
      await conversation.external((outside) => addChild({ db: outside.deps.db }, owner, child));
      await ctx.reply(ctx.t('passport-saved'));
      return;
    }
    case 'add_relative': {
      const relative = await askRelative(conversation, ctx);
      await conversation.external((outside) => addRelative({ db: outside.deps.db }, owner, relative));
      await ctx.reply(ctx.t('passport-saved'));
      return;
    }
    case 'remove':
      return removeOne(conversation, ctx, owner, householdOf(stored));
    case 'invite': {
      const link = await conversation.external((outside) => createInviteLink(outside, owner));
      await ctx.reply(link.text);
      return;
    }
  }
}

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
      const work = ctx.t('passport-line-employment', { value: stored.employment ?? 'unsaid' });
      await ctx.reply(
        `${ctx.t('passport-title')}\n\n${renderPassport(ctx.t, stored.draft)}\n${work}\n\n${curator}`,
      );
    }
    const canRemove = householdOf(stored).length > 0;
    const actions: { value: PassportAction; label: string }[] = [
      { value: 'edit', label: ctx.t('passport-action-edit') },
      { value: 'employment', label: ctx.t('passport-action-employment') },
      { value: 'add_child', label: ctx.t('passport-add-child') },
      { value: 'add_relative', label: ctx.t('passport-add-relative') },
      ...(canRemove ? [{ value: 'remove' as const, label: ctx.t('passport-action-remove') }] : []),
      { value: 'invite', label: ctx.t('passport-action-invite') },
      { value: 'close', label: ctx.t('passport-action-close') },
    ];
    const action = await askChoice(conversation, ctx, {
      question: ctx.t(round === 0 ? 'passport-what-next' : 'passport-what-else'),
      options: actions,
      columns: 2,
    });
    if (action === 'close') {
      await ctx.reply(ctx.t('menu-shown'), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    await change(conversation, ctx, owner, stored, action);
  }
  await ctx.reply(ctx.t('menu-shown'), { reply_markup: mainMenuKeyboard(ctx.t) });
}
