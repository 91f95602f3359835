import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askConfirm, askText, normalizePhone } from '../../bot/dialogue/questions.js';
import { keepTranscript, type Transcript } from '../../bot/dialogue/transcript.js';
import { intakePhoneSchema } from '../curator-tools/index.js';
import { recordStaffView } from '../delivery/index.js';
import {
  type FieldAnswers,
  type FieldTopic,
  fieldTopics,
  findFieldFamily,
  saveQuestionnaire,
} from './field.usecases.js';

export const FIELD_CONVERSATION = 'field';

const phoneSchemaHint = 'field-hint-phone';
const NEED_MAX_LENGTH = 500;

/** What is needed, in a few words: the text of the request this answer makes. */
const askNeed = (conversation: DialogueConversation, ctx: DialogueContext, topic: FieldTopic) =>
  askText(conversation, ctx, {
    question: ctx.t('field-ask-need', { topic }),
    maxLength: NEED_MAX_LENGTH,
    lettersHintKey: 'field-hint-letters',
  });

/** The questionnaire's topics, one question each; «нужна помощь» asks what exactly. */
async function askTopics(conversation: DialogueConversation, ctx: DialogueContext): Promise<FieldAnswers> {
  const contact = await askChoice<'visit' | 'call'>(conversation, ctx, {
    question: ctx.t('field-ask-contact'),
    options: [
      { value: 'visit', label: ctx.t('field-contact', { contact: 'visit' }) },
      { value: 'call', label: ctx.t('field-contact', { contact: 'call' }) },
    ],
    columns: 2,
  });
  const answers: Record<string, string> = {};
  const needs: FieldAnswers['needs'] = [];
  for (const [topic, values] of Object.entries(fieldTopics) as Array<
    [keyof typeof fieldTopics, readonly string[]]
  >) {
    const answer = await askChoice(conversation, ctx, {
      question: ctx.t('field-ask', { topic }),
      options: values.map((value) => ({ value, label: ctx.t('field-answer', { value }) })),
      columns: values.length > 2 ? 1 : 2,
    });
    answers[topic] = answer;
    if (answer === 'needs_help') needs.push({ topic, text: await askNeed(conversation, ctx, topic) });
  }
  const other = await askText(conversation, ctx, {
    question: ctx.t('field-ask', { topic: 'other_help' }),
    maxLength: NEED_MAX_LENGTH,
    lettersHintKey: 'field-hint-letters',
    skippable: true,
  });
  answers.other_help = other ? 'needs_help' : 'none';
  if (other) needs.push({ topic: 'other_help', text: other });
  return { contact, answers, needs };
}

/** The family, found by a member's phone in the filler's districts; undefined (and told why) when not. */
async function askFamily(conversation: DialogueConversation, ctx: DialogueContext, telegramId: number) {
  const phone = normalizePhone(
    await askText(conversation, ctx, {
      question: ctx.t('field-ask-phone'),
      maxLength: 25,
      schema: intakePhoneSchema,
      invalidHintKey: phoneSchemaHint,
    }),
  );
  const found = await conversation.external((outside) => findFieldFamily(outside.deps.db, telegramId, phone));
  if (!found.ok) await ctx.reply(ctx.t('field-refused', { reason: found.reason }));
  return found.ok ? found : undefined;
}

/**
 * `/field`: a field worker or a curator fills in the needs questionnaire of a household visited or called —
 * living alone, mobility, care at home, children, employment, other help — and each «нужна помощь» becomes a
 * request to the family's curator, routed as usual and marked as found in the field.
 */
export async function fieldDialogue(conversation: DialogueConversation, ctx: DialogueContext) {
  ctx.dialogueTurn.staffDialogue = true;
  const telegramId = ctx.from?.id;
  const chatId = ctx.chat?.id;
  if (telegramId === undefined || chatId === undefined) return;
  const transcript = keepTranscript(conversation);
  const family = await askFamily(conversation, ctx, telegramId);
  if (!family) return;
  const filled = await askTopics(conversation, ctx);
  const save = await askConfirm(conversation, ctx, {
    question: ctx.t('field-ask-save', { needs: filled.needs.length }),
    yes: ctx.t('field-save-yes'),
    no: ctx.t('field-save-no'),
  });
  if (!save) {
    await ctx.reply(ctx.t('field-dropped'));
    return;
  }
  await saveAndReport(conversation, ctx, { telegramId, chatId, family, filled, transcript });
}

/** The questionnaire saved (checked again on the server) with its requests, and what came of it. */
async function saveAndReport(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  input: {
    telegramId: number;
    chatId: number;
    family: { familyId: number; memberId: number };
    filled: FieldAnswers;
    transcript: Transcript;
  },
) {
  const { family } = input;
  const saved = await conversation.external(async (outside) => {
    const { db, config, i18n } = outside.deps;
    const result = await saveQuestionnaire(
      { db, timeZone: config.timeZone, policies: config.deadlinePolicies },
      {
        telegramId: input.telegramId,
        familyId: family.familyId,
        memberId: family.memberId,
        filled: input.filled,
        needText: (need, contact) =>
          i18n.t('ru', 'field-request-text', { topic: need.topic, contact, text: need.text }),
      },
    );
    outside.log.info(
      result.ok ? { familyId: family.familyId, requests: result.numbers.length } : { reason: result.reason },
      result.ok ? 'field questionnaire saved' : 'field questionnaire refused',
    );
    return result;
  });
  if (!saved.ok) {
    await ctx.reply(ctx.t('field-refused', { reason: saved.reason }));
    return;
  }
  const shown = await ctx.reply(
    ctx.t('field-saved', { count: saved.numbers.length, numbers: saved.numbers.join(', ') }),
  );
  // What was typed about the family leaves this chat with its data («Удалить мои данные»).
  const messageIds = [...input.transcript.takeNew(), shown.message_id];
  await conversation.external((outside) =>
    recordStaffView(outside.deps.db, {
      staffId: saved.staffId,
      chatId: input.chatId,
      messageIds,
      familyId: family.familyId,
      what: 'intake',
    }),
  );
}
