import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { DialogueContext, DialogueConversation } from '../../bot/context.js';
import { askChoice, askDate, askText, upcomingExample } from '../../bot/dialogue/questions.js';
import { mainMenuKeyboard } from '../../bot/main-menu.js';
import { regionDate } from '../../time.js';
import {
  LEFT_TO_CURATOR,
  LONG_TEXT_MAX,
  type PersonRef,
  SHORT_TEXT_MAX,
  shortTextSchema,
  UPCOMING_DAYS_AHEAD,
  weekdays,
} from './requests.schemas.js';

/**
 * Questions the request dialogues need beyond the shared helpers of src/bot/dialogue/questions.ts:
 * a person from the passport, several weekdays, a date not too far ahead. Built the same way (bounded
 * hints, buttons tied to the question by a nonce drawn through the replay engine).
 */

export interface HouseholdPerson {
  id: number;
  kind: 'child' | 'elderly' | 'other';
  fullName: string | null;
}

/**
 * Which child / relative: the passport's people of these kinds as buttons, plus «someone else» (typed name).
 * With nobody in the passport the name is asked straight away, with a word on filling in the passport.
 */
export async function askPerson(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: { question: string; people: HouseholdPerson[]; noneKey: string; allowAll?: boolean },
): Promise<PersonRef[]> {
  const named = options.people.filter((person) => person.fullName);
  const askName = async (question: string): Promise<PersonRef[]> => {
    const name = await askText(conversation, ctx, {
      question,
      maxLength: SHORT_TEXT_MAX,
      schema: shortTextSchema,
      handover: LEFT_TO_CURATOR,
    });
    return [{ householdMemberId: null, name: shortTextSchema.parse(name) }];
  };
  if (named.length === 0) return askName(ctx.t(options.noneKey));
  const choices = named.map((person) => ({ value: String(person.id), label: person.fullName ?? '' }));
  if (options.allowAll && named.length > 1) choices.push({ value: 'all', label: ctx.t('req-person-all') });
  choices.push({ value: 'someone_else', label: ctx.t('req-person-someone-else') });
  const picked = await askChoice(conversation, ctx, { question: options.question, options: choices });
  if (picked === 'someone_else') return askName(ctx.t('req-ask-person-name'));
  const chosen = picked === 'all' ? named : named.filter((person) => String(person.id) === picked);
  return chosen.map((person) => ({ householdMemberId: person.id, name: person.fullName ?? '' }));
}

const weekdayButtonSchema = z.object({
  nonce: z.string().regex(/^[0-9a-z]{6}$/),
  payload: z.union([z.enum(weekdays), z.literal('done')]),
});

/** Most presses on the weekday keyboard: enough to pick and unpick every day twice, and still bounded. */
const MAX_WEEKDAY_TURNS = 30;

/**
 * Days of the week as toggle buttons (✓ marks the chosen ones) and «Готово». Anything else gets a hint and
 * the keyboard again (the keyboard is the way on); after MAX_WEEKDAY_TURNS the dialogue is left politely
 * (the replay log stays bounded).
 */
export async function askWeekdays(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: { question: string },
): Promise<(typeof weekdays)[number][]> {
  const random = await conversation.random();
  const nonce = Math.floor(random * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  const chosen = new Set<(typeof weekdays)[number]>();
  const keyboard = (c: DialogueContext) => {
    const markup = new InlineKeyboard();
    weekdays.forEach((day, index) => {
      const label = c.t(`req-choice-weekday-${day}`);
      markup.text(chosen.has(day) ? `✓ ${label}` : label, `rqd:${nonce}:${day}`);
      if (index === 3) markup.row();
    });
    return markup.row().text(c.t('req-weekdays-done'), `rqd:${nonce}:done`);
  };
  let question = await ctx.reply(options.question, { reply_markup: keyboard(ctx) });
  for (let turn = 0; turn < MAX_WEEKDAY_TURNS; turn++) {
    const answer = await conversation.wait();
    if (!answer.message && !answer.callbackQuery) await conversation.skip();
    const [tag, nonceOf, payload] = (answer.callbackQuery?.data ?? '').split(':');
    const button = tag === 'rqd' ? weekdayButtonSchema.safeParse({ nonce: nonceOf, payload }) : undefined;
    if (button?.success && button.data.nonce === nonce) {
      if (button.data.payload === 'done') {
        if (chosen.size > 0) {
          await answer.answerCallbackQuery();
          await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
          return weekdays.filter((day) => chosen.has(day));
        }
        await answer.answerCallbackQuery({ text: answer.t('req-hint-weekdays-none') });
        continue;
      }
      const day = button.data.payload;
      if (chosen.has(day)) chosen.delete(day);
      else chosen.add(day);
      await answer.answerCallbackQuery();
      await answer.api
        .editMessageReplyMarkup(question.chat.id, question.message_id, { reply_markup: keyboard(answer) })
        .catch(() => undefined);
      continue;
    }
    const hint = answer.t(answer.callbackQuery ? 'dialogue-hint-stale-button' : 'req-hint-weekdays');
    if (answer.callbackQuery) await answer.answerCallbackQuery({ text: hint });
    // The hint, then the question again with its keyboard; the old keyboard goes, so only one is live.
    await answer.api
      .editMessageReplyMarkup(question.chat.id, question.message_id, { reply_markup: undefined })
      .catch(() => undefined);
    await answer.reply(hint);
    question = await answer.reply(options.question, { reply_markup: keyboard(answer) });
  }
  await ctx.reply(ctx.t('dialogue-too-many-hints'), { reply_markup: mainMenuKeyboard(ctx.t) });
  return conversation.halt();
}

/**
 * A date from today up to a year ahead (a wished start, a move). The question's example is a date that fits:
 * tomorrow for a one-off nanny, the first of next month for a move, both in the region's calendar.
 */
export async function askUpcomingDate(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: { questionKey: string; example: 'tomorrow' | 'next-month' },
): Promise<string> {
  const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
  const example = upcomingExample(today, options.example);
  return askDate(conversation, ctx, {
    question: ctx.t(options.questionKey, { example }),
    allowFuture: true,
    forbidPast: true,
    maxDaysAhead: UPCOMING_DAYS_AHEAD,
    example,
    handover: LEFT_TO_CURATOR,
  });
}

/**
 * A long answer (description, wish, address) with the shared hints for overlong or empty text;
 * `lettersHintKey` in the asker's voice (requests.steps.ts).
 */
export function askLongText(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  question: string,
  lettersHintKey = 'dialogue-hint-no-letters-request',
) {
  return askText(conversation, ctx, {
    question,
    maxLength: LONG_TEXT_MAX,
    lettersHintKey,
    handover: LEFT_TO_CURATOR,
  });
}

/** A short answer (school, hours, kindergarten). */
export function askShortText(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  question: string,
  maxLength = SHORT_TEXT_MAX,
) {
  return askText(conversation, ctx, { question, maxLength, handover: LEFT_TO_CURATOR });
}
