import { GrammyError, InlineKeyboard, Keyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { z } from 'zod';
import { TEXT_LIMIT } from '../../telegram/message-limits.js';
import { addDays, addYears, regionDate, russianDate } from '../../time.js';
import type { DialogueContext, DialogueConversation } from '../context.js';
import { mainMenuKeyboard } from '../main-menu.js';
import { noteAsked, questionId, takeAnswerTo } from './continuation.js';
import { noteInTranscript } from './transcript.js';

/** After this many hints on one question the person is offered a way on (skip, the curator, the menu). */
export const MAX_HINTS = 5;
/**
 * Rounds of MAX_HINTS hints one question may take, each ending with the way-on offer, before the dialogue
 * is left after all (the replay log must stay bounded).
 */
export const MAX_HINT_ROUNDS = 3;
/** Longest answer accepted in a short text field unless the field sets its own maximum. */
export const SHORT_TEXT_MAX = 1000;
/** Telegram lets bots download files up to 20 MB; larger ones could never reach the curator. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

type Outcome<T> = { ok: true; value: T } | { ok: false; hint: string };
const accept = <T>(value: T): Outcome<T> => ({ ok: true, value });
const refuse = (hint: string): Outcome<never> => ({ ok: false, hint });

// A press's parts, read with two regular expressions (a zod schema here cost a parse per press and replay).
const NONCE = /^[0-9a-z]{6}$/;
const PAYLOAD = /^(\d{1,3}|skip|done|yes|no|curator|menu)$/;

/** Buttons of one question carry `dlg:<nonce>:<payload>`; the nonce ties a press to this very question. */
function buttonData(nonce: string, payload: string): string {
  return `dlg:${nonce}:${payload}`;
}

function parseButton(data: string | undefined) {
  const [tag, nonce, payload] = (data ?? '').split(':');
  if (tag !== 'dlg' || nonce === undefined || payload === undefined) return undefined;
  return NONCE.test(nonce) && PAYLOAD.test(payload) ? { nonce, payload } : undefined;
}

/** A per-question random tag, taken through the replay engine so it is the same on every replay. */
async function newNonce(conversation: DialogueConversation): Promise<string> {
  const random = await conversation.random();
  return Math.floor(random * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
}

/**
 * A question's start (question `id`, continuation.ts questionId): its nonce, and, when this run began at
 * this very question asked in the last update (continuation.ts), the message it was asked as and the update
 * that answers it. When the run began at another question, the person reads «Продолжим…» and this one is
 * asked: the update is not its answer.
 */
async function beginQuestion(conversation: DialogueConversation, ctx: DialogueContext, id: string) {
  const taken = takeAnswerTo(conversation, id);
  if (taken && 'moved' in taken) await ctx.reply(ctx.t('dialogue-resumed'));
  const asked = taken && 'answer' in taken ? taken : undefined;
  const nonce = asked?.nonce ?? (await newNonce(conversation));
  return { id, nonce, asked };
}

/** After too many hints: a family member's, a staff member's (`staffDialogue`), or someone not registered yet. */
function leavingKey(ctx: DialogueContext) {
  if (ctx.dialogueTurn.staffDialogue) return 'dialogue-too-many-hints-staff';
  return ctx.member ? 'dialogue-too-many-hints' : 'dialogue-too-many-hints-unregistered';
}

/** Leaves the dialogue after too many hints, with a kind word and the way back. */
async function leaveAfterTooManyHints(
  conversation: DialogueConversation,
  ctx: DialogueContext,
): Promise<never> {
  await ctx.reply(ctx.t(leavingKey(ctx)), {
    reply_markup: ctx.member ? mainMenuKeyboard(ctx.t) : { remove_keyboard: true },
  });
  return conversation.halt();
}

/** What a question offers when answers keep failing, besides answering again. */
export interface WayOn<T> {
  /** The question may be skipped: its own «Пропустить» is offered again. */
  skippable?: boolean;
  /** The value a question left to the curator takes («уточнит куратор»); without it no such button. */
  handover?: T;
}

/**
 * After MAX_HINTS wrong answers to one question: nothing is dropped. The person reads that the answers so far
 * are kept and may answer again, skip (where the question allows), leave the question to the curator (where
 * the dialogue has one), or leave for the menu.
 */
async function offerWayOn<T>(ctx: DialogueContext, nonce: string, wayOn: WayOn<T>): Promise<void> {
  const keyboard = new InlineKeyboard();
  if (wayOn.skippable) keyboard.text(ctx.t('dialogue-stuck-skip'), buttonData(nonce, 'skip')).row();
  if (wayOn.handover !== undefined) {
    // A curator asking on a family's behalf leaves it to be asked again, not to «the curator» (herself).
    const label = ctx.dialogueTurn.staffDialogue ? 'dialogue-stuck-curator-staff' : 'dialogue-stuck-curator';
    keyboard.text(ctx.t(label), buttonData(nonce, 'curator')).row();
  }
  keyboard.text(
    ctx.t(ctx.member ? 'dialogue-stuck-menu' : 'dialogue-stuck-leave'),
    buttonData(nonce, 'menu'),
  );
  await ctx.reply(ctx.t('dialogue-stuck'), { reply_markup: keyboard });
}

/** The person chose to leave from the way-on offer: the same as /cancel, said plainly. */
async function leaveByChoice(conversation: DialogueConversation, ctx: DialogueContext): Promise<never> {
  await ctx.reply(ctx.t(ctx.member ? 'menu-cancelled' : 'dialogue-left-unsaved'), {
    reply_markup: ctx.member ? mainMenuKeyboard(ctx.t) : { remove_keyboard: true },
  });
  return conversation.halt();
}

/** What kind of wrong answer a message is, for a hint that says what we expected instead. */
function wrongKindHint(ctx: DialogueContext, expected: 'text' | 'button' | 'contact' | 'file'): string {
  return ctx.t(`dialogue-hint-expected-${expected}`);
}

/**
 * A Telegram client sends a text over 4,096 characters as several messages, one right after another. When
 * such a part was refused (too long for the question), the next parts are the rest of the same text: taking
 * one as the answer would keep a meaningless tail. A part arriving within this many seconds of a refused
 * part of this length is treated so. (The bot joins parts that arrive within moments at intake; this covers
 * parts that arrive further apart.)
 */
const SPLIT_PART_MIN_LENGTH = 3500;
const SPLIT_WINDOW_SECONDS = 2;

function isRestOfLongText(answer: DialogueContext, longRefusedAt: number | undefined): boolean {
  const message = answer.message;
  return (
    longRefusedAt !== undefined &&
    message?.text !== undefined &&
    message.date - longRefusedAt <= SPLIT_WINDOW_SECONDS
  );
}

/**
 * The shared loop of every question: ask, wait, interpret; on a wrong answer a short hint and the same
 * question again. After MAX_HINTS hints the way on is offered too (see offerWayOn), at most MAX_HINT_ROUNDS
 * times. A button press that is not this question's is answered with the hint in the button's pop-up too.
 * Edits and other non-answers are skipped without costing a hint.
 */
async function askUntilValid<T>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  ask: (ctx: DialogueContext) => Promise<Message>,
  interpret: (answer: DialogueContext) => Outcome<T>,
  way: { id: string; nonce: string; text: string } & WayOn<T>,
  /** Asked in the last update, answered by this run's first update (continuation.ts). */
  asked?: { question: Message; answer: DialogueContext },
): Promise<{ value: T; answer: DialogueContext; question: Message; handedOver?: boolean }> {
  let question = asked?.question ?? (await ask(ctx));
  if (!asked) noteAsked(ctx.dialogueTurn, way, question);
  noteInTranscript(conversation, question.message_id);
  // The date of the last refused part of a long text a Telegram client split (see isRestOfLongText).
  let longRefusedAt: number | undefined;
  let first = asked?.answer;
  for (let hints = 0, rounds = 0; ; ) {
    const answer = first ?? (await conversation.wait());
    first = undefined;
    if (!answer.message && !answer.callbackQuery) await conversation.skip();
    noteInTranscript(conversation, answer.message?.message_id);
    const text = answer.message?.text;
    const long = text !== undefined && text.length >= SPLIT_PART_MIN_LENGTH;
    if (isRestOfLongText(answer, longRefusedAt)) {
      // Refused with its first part, under a hint that said nothing was kept: not an answer, no new hint.
      // A long part means more may follow; a short one ends the text.
      longRefusedAt = long ? answer.message?.date : undefined;
      continue;
    }
    const button = answer.callbackQuery ? parseButton(answer.callbackQuery.data) : undefined;
    if (button?.nonce === way.nonce && button.payload === 'menu') return leaveByChoice(conversation, answer);
    if (button?.nonce === way.nonce && button.payload === 'curator' && way.handover !== undefined) {
      return { value: way.handover, answer, question, handedOver: true };
    }
    const outcome = interpret(answer);
    if (outcome.ok) return { value: outcome.value, answer, question };
    longRefusedAt = long ? answer.message?.date : undefined;
    if (answer.callbackQuery) await answer.answerCallbackQuery({ text: outcome.hint });
    hints += 1;
    noteInTranscript(conversation, (await answer.reply(outcome.hint)).message_id);
    if (hints > MAX_HINTS) {
      rounds += 1;
      if (rounds >= MAX_HINT_ROUNDS) return leaveAfterTooManyHints(conversation, answer);
      hints = 0;
      await offerWayOn(answer, way.nonce, way);
    }
    question = await ask(answer);
    noteInTranscript(conversation, question.message_id);
  }
}

/**
 * Settles an answered question: a pressed button is acknowledged, and the keyboard comes off the question
 * so it cannot be pressed again (also when the answer was typed). With `chosen`, the question keeps the
 * answer under it («✓ Жена»), so the chat reads back like a filled form.
 */
async function settleQuestion(
  answer: DialogueContext,
  question: Message,
  options: { text: string; chosen?: string; answered?: boolean },
): Promise<void> {
  if (!options.answered && answer.callbackQuery) await answer.answerCallbackQuery();
  if (!question.reply_markup && !answer.callbackQuery) return;
  const chatId = question.chat.id;
  // A press may come from an earlier copy of the same question; settle the message that was pressed.
  let messageId = answer.callbackQuery?.message?.message_id ?? question.message_id;
  const pressed = answer.callbackQuery?.message;
  if (pressed && 'text' in pressed && pressed.text !== undefined && !pressed.text.startsWith(options.text)) {
    // Pressed on the way-on offer (offerWayOn): it loses its buttons, and the question itself shows the choice.
    await answer.api
      .editMessageReplyMarkup(chatId, pressed.message_id, { reply_markup: undefined })
      .catch(() => undefined);
    messageId = question.message_id;
  }
  const edit =
    options.chosen !== undefined && options.text.length + options.chosen.length < 4000
      ? answer.api.editMessageText(chatId, messageId, `${options.text}\n\n✓ ${options.chosen}`)
      : answer.api.editMessageReplyMarkup(chatId, messageId, { reply_markup: undefined });
  await edit.catch(() => undefined);
}

/**
 * Settles a pressed question (its press already answered) by turning its message into `text`, buttons gone;
 * false if Telegram refused the edit. Already so (a replay after a crash): done.
 */
async function replaceQuestion(answer: DialogueContext, question: Message, text: string): Promise<boolean> {
  const messageId = answer.callbackQuery?.message?.message_id ?? question.message_id;
  const chatId = question.chat.id;
  if (text.length <= TEXT_LIMIT) {
    try {
      await answer.api.editMessageText(chatId, messageId, text);
      return true;
    } catch (error) {
      if (error instanceof GrammyError && error.description.includes('message is not modified')) return true;
      // Gone or refused: the keyboard at least comes off, and the caller says it in a message of its own.
    }
  }
  await answer.api
    .editMessageReplyMarkup(chatId, messageId, { reply_markup: undefined })
    .catch(() => undefined);
  return false;
}

function interpretStrayButton(ctx: DialogueContext): Outcome<never> {
  return refuse(ctx.t('dialogue-hint-stale-button'));
}

export interface AskTextOptions {
  question: string;
  /** Default SHORT_TEXT_MAX. */
  maxLength?: number;
  /** Extra validation of the trimmed text; its first issue message is a Fluent key of the hint. */
  schema?: z.ZodType<string>;
  /** Fluent key of the hint when the schema refuses the text. Default `dialogue-hint-invalid-text`. */
  invalidHintKey?: string;
  /**
   * Fluent key of the hint for a text with no letter at all (only emoji, digits, signs), where a name, a
   * place or a description is expected. Unset: such a text is accepted.
   */
  lettersHintKey?: string;
  /** Adds a «Пропустить» button; skipping returns undefined. */
  skippable?: boolean;
  /** When answers keep failing, the question may be left to the curator: it then returns this value. */
  handover?: string;
}

/** Asks for a line of text: trimmed, not empty, not longer than the field's maximum, valid by `schema`. */
export async function askText(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskTextOptions & { skippable: true },
): Promise<string | undefined>;
export async function askText(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskTextOptions & { skippable?: false },
): Promise<string>;
export async function askText(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskTextOptions,
): Promise<string | undefined> {
  const maxLength = Math.min(options.maxLength ?? SHORT_TEXT_MAX, 4000);
  const begun = await beginQuestion(conversation, ctx, questionId('text'));
  return askTyped(conversation, ctx, begun, options, (a) => interpretText(a, options, maxLength));
}

/**
 * A question answered by typing (askText, askDate): an optional «Пропустить» under it, the shared loop, and
 * the settled question showing what was chosen when it was not typed.
 */
async function askTyped(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  { id, nonce, asked }: Awaited<ReturnType<typeof beginQuestion>>,
  options: { question: string; skippable?: boolean; handover?: string },
  interpretTyped: (answer: DialogueContext) => Outcome<string>,
): Promise<string | undefined> {
  const ask = (c: DialogueContext) =>
    c.reply(options.question, {
      reply_markup: options.skippable
        ? new InlineKeyboard().text(c.t('dialogue-skip'), buttonData(nonce, 'skip'))
        : undefined,
    });
  const { value, answer, question, handedOver } = await askUntilValid<string | undefined>(
    conversation,
    ctx,
    ask,
    (a) => {
      if (a.callbackQuery) {
        const button = parseButton(a.callbackQuery.data);
        if (options.skippable && button?.nonce === nonce && button.payload === 'skip')
          return accept(undefined);
        return interpretStrayButton(a);
      }
      return interpretTyped(a);
    },
    { id, nonce, text: options.question, skippable: options.skippable, handover: options.handover },
    asked,
  );
  await settleQuestion(answer, question, {
    text: options.question,
    ...settledChoice(answer, value, handedOver),
  });
  return value;
}

function interpretText(a: DialogueContext, options: AskTextOptions, maxLength: number): Outcome<string> {
  const text = a.message?.text?.trim();
  if (text === undefined) return refuse(wrongKindHint(a, 'text'));
  if (text.length === 0) return refuse(wrongKindHint(a, 'text'));
  if (text.length > maxLength) return refuse(a.t('dialogue-hint-too-long', { max: maxLength }));
  if (options.lettersHintKey && !/\p{L}/u.test(text)) return refuse(a.t(options.lettersHintKey));
  if (options.schema && !options.schema.safeParse(text).success) {
    return refuse(a.t(options.invalidHintKey ?? 'dialogue-hint-invalid-text'));
  }
  return accept(text);
}

/** What a settled question shows under it: «✓ Пропустить», «✓ Уточнит куратор», or nothing for an answer. */
function settledChoice(answer: DialogueContext, value: unknown, handedOver: boolean | undefined) {
  if (handedOver) {
    const key = answer.dialogueTurn.staffDialogue
      ? 'dialogue-stuck-curator-staff'
      : 'dialogue-stuck-curator-chosen';
    return { chosen: answer.t(key) };
  }
  return value === undefined ? { chosen: answer.t('dialogue-skip') } : {};
}

export interface ChoiceOption<T extends string> {
  value: T;
  label: string;
}

export interface AskChoiceOptions<T extends string> {
  question: string;
  options: ChoiceOption<T>[];
  /** Buttons per row. Default 1; long lists (districts) read better in 2. */
  columns?: number;
  skippable?: boolean;
}

/**
 * Asks to pick one of the options by inline button (typing a label exactly also works). Buttons carry only
 * the option's index and the question's nonce; a press of any other button gets a hint and the question again.
 */
export async function askChoice<T extends string>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskChoiceOptions<T> & { skippable: true },
): Promise<T | undefined>;
export async function askChoice<T extends string>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskChoiceOptions<T> & { skippable?: false },
): Promise<T>;
export async function askChoice<T extends string>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskChoiceOptions<T>,
): Promise<T | undefined> {
  const held = await askChoiceHeld(conversation, ctx, options);
  await held.settle();
  return held.value;
}

/** A choice made and not yet settled (askChoiceHeld): the caller decides what its message becomes. */
export interface HeldChoice<T extends string> {
  value: T | undefined;
  /** Answers the press now (before slow work: Telegram takes an answer only for a few seconds); once. */
  acknowledge(): Promise<void>;
  /**
   * Acknowledges the press (unless done) and takes the keyboard off the question: by default the question keeps the choice
   * under it («✓ …»); with `text`, the question's message becomes that text (no new message). False when
   * Telegram refused the edit (the message gone, or the text too long), so the caller can say it anew.
   */
  settle(text?: string): Promise<boolean>;
}

/**
 * askChoice without settling the question: the dialogue's last press can turn its own message into the
 * outcome («принята») with one edit, rather than an edit and a new message (which would take a place of
 * the 30 sends a second every bot gets). Settle it exactly once, on every path.
 */
export async function askChoiceHeld<T extends string>(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskChoiceOptions<T>,
): Promise<HeldChoice<T>> {
  if (options.options.length === 0 || options.options.length > 90) {
    throw new Error('askChoice needs 1 to 90 options');
  }
  const values = options.options.map((option) => option.value);
  const { id, nonce, asked } = await beginQuestion(conversation, ctx, questionId('choice', values));
  const columns = Math.max(1, options.columns ?? 1);
  const ask = (c: DialogueContext) => {
    const keyboard = new InlineKeyboard();
    options.options.forEach((option, index) => {
      keyboard.text(option.label, buttonData(nonce, String(index)));
      if ((index + 1) % columns === 0) keyboard.row();
    });
    if (options.skippable) keyboard.row().text(c.t('dialogue-skip'), buttonData(nonce, 'skip'));
    return c.reply(options.question, { reply_markup: keyboard });
  };
  const { value, answer, question } = await askUntilValid<T | undefined>(
    conversation,
    ctx,
    ask,
    (a) => {
      if (a.callbackQuery) {
        const button = parseButton(a.callbackQuery.data);
        if (!button || button.nonce !== nonce) return interpretStrayButton(a);
        if (button.payload === 'skip' && options.skippable) return accept(undefined);
        const option = options.options[Number(button.payload)];
        return option ? accept(option.value) : interpretStrayButton(a);
      }
      const text = a.message?.text?.trim().toLocaleLowerCase('ru');
      const typed = options.options.find((option) => option.label.toLocaleLowerCase('ru') === text);
      if (typed) return accept(typed.value);
      return refuse(wrongKindHint(a, 'button'));
    },
    { id, nonce, text: options.question, skippable: options.skippable },
    asked,
  );
  const chosen = options.options.find((option) => option.value === value)?.label ?? answer.t('dialogue-skip');
  let answered = false;
  const acknowledge = async () => {
    if (answered || !answer.callbackQuery) return;
    answered = true;
    await answer.answerCallbackQuery();
  };
  return {
    value,
    acknowledge,
    settle: async (text) => {
      await acknowledge();
      if (text !== undefined) return replaceQuestion(answer, question, text);
      await settleQuestion(answer, question, { text: options.question, chosen, answered: true });
      return true;
    },
  };
}

/** Yes / no question; returns true for yes. */
export async function askConfirm(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: { question: string; yes: string; no: string },
): Promise<boolean> {
  const choice = await askChoice(conversation, ctx, {
    question: options.question,
    options: [
      { value: 'yes', label: options.yes },
      { value: 'no', label: options.no },
    ],
    columns: 2,
  });
  return choice === 'yes';
}

/** What a typed date turned out to be: a real date, not a date at all, or a date the calendar has not got. */
export type TypedDate =
  | { ok: true; date: string }
  | { ok: false; reason: 'format' }
  | { ok: false; reason: 'no-such-date'; day: number; month: number; year: number };

/** Reads dd.mm.yyyy (also d.m.yyyy, with dots, slashes or dashes); «31.02.2020» is in shape but no date. */
export function readRussianDate(text: string): TypedDate {
  const match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text.trim());
  if (!match) return { ok: false, reason: 'format' };
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, reason: 'no-such-date', day, month, year };
  }
  return { ok: true, date: date.toISOString().slice(0, 10) };
}

/** Parses dd.mm.yyyy into an ISO date, only if it exists. */
export function parseRussianDate(text: string): string | undefined {
  const typed = readRussianDate(text);
  return typed.ok ? typed.date : undefined;
}

/** Whose birth date a question asks: each has a plausible range of ages (SPEC §2: an adult serviceman). */
export type BirthOf = 'serviceman' | 'child' | 'relative';
/** Mobilised servicemen are adults; the oldest reservists are well under this age. */
export const SERVICEMAN_AGE = { min: 18, max: 75 } as const;
/** The passport's children are under 18. */
export const CHILD_MAX_AGE = 18;
/** Nobody is older; a date further back is a typo in the year. */
export const RELATIVE_MAX_AGE = 120;

interface DateBounds {
  earliest?: { date: string; hint: string };
  latest?: { date: string; hint: string };
  example: string;
}

/** The plausible range of a date question relative to the region's today, with its hints and an example. */
function dateBounds(options: AskDateOptions, today: string): DateBounds {
  const year = Number(today.slice(0, 4));
  const bounds: DateBounds = { example: `05.03.${year - 10}` };
  const minYear = options.minYear ?? 1900;
  bounds.earliest = { date: `${minYear}-01-01`, hint: 'dialogue-hint-date-too-old' };
  if (!options.allowFuture) bounds.latest = { date: today, hint: 'dialogue-hint-date-future' };
  if (options.forbidPast) {
    bounds.earliest = { date: today, hint: 'dialogue-hint-date-past' };
    bounds.example = russianDate(addDays(today, 1));
  }
  if (options.maxDaysAhead !== undefined) {
    bounds.latest = { date: addDays(today, options.maxDaysAhead), hint: 'dialogue-hint-date-too-far' };
  }
  switch (options.birthOf) {
    case 'serviceman':
      bounds.earliest = {
        date: addYears(today, -SERVICEMAN_AGE.max),
        hint: 'dialogue-hint-birth-serviceman-old',
      };
      bounds.latest = {
        date: addYears(today, -SERVICEMAN_AGE.min),
        hint: 'dialogue-hint-birth-serviceman-young',
      };
      bounds.example = `05.03.${year - 35}`;
      break;
    case 'child':
      bounds.earliest = {
        date: addDays(addYears(today, -CHILD_MAX_AGE), 1),
        hint: 'dialogue-hint-birth-child-adult',
      };
      bounds.example = `05.03.${year - 8}`;
      break;
    case 'relative':
      bounds.earliest = { date: addYears(today, -RELATIVE_MAX_AGE), hint: 'dialogue-hint-date-too-old' };
      bounds.example = `05.03.${year - 70}`;
      break;
    case undefined:
      break;
  }
  if (options.example) bounds.example = options.example;
  return bounds;
}

export interface AskDateOptions {
  question: string;
  skippable?: boolean;
  /** Default false: birth dates and «since when» cannot be in the future. */
  allowFuture?: boolean;
  /** Default false: a wanted date for a service cannot be in the past. */
  forbidPast?: boolean;
  /** Earliest year accepted. Default 1900. */
  minYear?: number;
  /** Latest date accepted, in days after today (a wish for a service: up to a year ahead). */
  maxDaysAhead?: number;
  /** A birth date: the range of plausible ages of this person. */
  birthOf?: BirthOf;
  /** The example the format hint gives (dd.mm.yyyy); by default one that fits the question. */
  example?: string;
  /** When answers keep failing, the question may be left to the curator: it then returns this value. */
  handover?: string;
}

/** The example date a question about an upcoming day can give: tomorrow, or the first of next month. */
export function upcomingExample(today: string, kind: 'tomorrow' | 'next-month'): string {
  if (kind === 'tomorrow') return russianDate(addDays(today, 1));
  const [year, month] = today.split('-').map(Number) as [number, number];
  const next = new Date(Date.UTC(year, month, 1));
  return russianDate(next.toISOString().slice(0, 10));
}

function refuseTypedDate(a: DialogueContext, typed: TypedDate, example: string): Outcome<never> {
  if (!typed.ok && typed.reason === 'no-such-date') {
    if (typed.month < 1 || typed.month > 12) return refuse(a.t('dialogue-hint-date-no-such-month'));
    const days = new Date(Date.UTC(typed.year, typed.month, 0)).getUTCDate();
    return refuse(
      a.t('dialogue-hint-date-no-such-day', {
        month: typed.month,
        year: String(typed.year),
        day: typed.day,
        days,
      }),
    );
  }
  return refuse(a.t('dialogue-hint-date-format', { example }));
}

/**
 * Asks for a date as dd.mm.yyyy. A date the calendar has not got (31.02) is told so; a date outside the
 * question's plausible range (a serviceman born last year, a wish in the past) gets a hint naming the bound.
 */
export async function askDate(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskDateOptions & { skippable: true },
): Promise<string | undefined>;
export async function askDate(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskDateOptions & { skippable?: false },
): Promise<string>;
export async function askDate(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: AskDateOptions,
): Promise<string | undefined> {
  const begun = await beginQuestion(conversation, ctx, questionId('date'));
  const today = regionDate(await conversation.now(), ctx.deps.config.timeZone);
  const bounds = dateBounds(options, today);
  return askTyped(conversation, ctx, begun, options, (a) => interpretDate(a, options, today, bounds));
}

function interpretDate(
  a: DialogueContext,
  options: AskDateOptions,
  today: string,
  bounds: DateBounds,
): Outcome<string> {
  const text = a.message?.text;
  if (text === undefined) return refuse(wrongKindHint(a, 'text'));
  if (text.length > 40) return refuse(a.t('dialogue-hint-date-format', { example: bounds.example }));
  const typed = readRussianDate(text);
  if (!typed.ok) return refuseTypedDate(a, typed, bounds.example);
  const date = typed.date;
  if (!options.allowFuture && date > today) return refuse(a.t('dialogue-hint-date-future'));
  if (bounds.earliest && date < bounds.earliest.date) return refuse(a.t(bounds.earliest.hint));
  if (bounds.latest && date > bounds.latest.date) return refuse(a.t(bounds.latest.hint));
  return accept(date);
}

/** A Russian phone in one shape: +7 and ten digits; other countries as + and their digits. */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7')))
    return `+7${digits.slice(1)}`;
  if (digits.length === 10 && digits.startsWith('9')) return `+7${digits}`;
  return `+${digits}`;
}

/**
 * Asks for the person's own phone through Telegram's share-contact button. Someone else's contact and a
 * number typed as text are refused (only the button proves the number belongs to this account).
 */
export async function askContact(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: { question: string; buttonLabel: string },
): Promise<string> {
  const keyboard = new Keyboard().requestContact(options.buttonLabel).resized().oneTime();
  const ask = (c: DialogueContext) => c.reply(options.question, { reply_markup: keyboard });
  const { id, nonce, asked } = await beginQuestion(conversation, ctx, questionId('contact'));
  const { value, answer } = await askUntilValid(
    conversation,
    ctx,
    ask,
    (a) => {
      if (a.callbackQuery) return interpretStrayButton(a);
      const contact = a.message?.contact;
      if (!contact) {
        const looksLikePhone = /^[\d\s()+-]{5,}$/.test(a.message?.text ?? '');
        return refuse(a.t(looksLikePhone ? 'dialogue-hint-contact-typed' : 'dialogue-hint-expected-contact'));
      }
      if (contact.user_id !== a.from?.id) return refuse(a.t('dialogue-hint-contact-foreign'));
      const phone = normalizePhone(contact.phone_number);
      if (!/^\+\d{10,15}$/.test(phone)) return refuse(a.t('dialogue-hint-contact-foreign'));
      return accept(phone);
    },
    { id, nonce, text: options.question },
    asked,
  );
  await answer.reply(answer.t('dialogue-contact-thanks'), { reply_markup: { remove_keyboard: true } });
  return value;
}

/** A file the person sent, as Telegram knows it (ids only; the file stays on Telegram's side). */
export interface CollectedAttachment {
  kind: 'photo' | 'document';
  fileId: string;
  fileUniqueId: string;
  fileName?: string;
  mimeType?: string;
  fileSize?: number;
}

function attachmentOf(message: Message | undefined): CollectedAttachment | undefined {
  const photo = message?.photo?.at(-1);
  if (photo) {
    return {
      kind: 'photo',
      fileId: photo.file_id,
      fileUniqueId: photo.file_unique_id,
      fileSize: photo.file_size,
    };
  }
  const document = message?.document;
  if (document) {
    return {
      kind: 'document',
      fileId: document.file_id,
      fileUniqueId: document.file_unique_id,
      fileName: document.file_name,
      mimeType: document.mime_type,
      fileSize: document.file_size,
    };
  }
  return undefined;
}

/**
 * Collects photos and documents until «Готово» (or «Пропустить» before the first). Files over 20 MB and
 * anything past `maxFiles` are refused with a hint; the same file sent twice gets a hint too.
 */
export async function askAttachments(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  options: { question: string; maxFiles?: number; maxBytes?: number },
): Promise<CollectedAttachment[]> {
  const maxFiles = Math.min(options.maxFiles ?? MAX_ATTACHMENTS, MAX_ATTACHMENTS);
  const maxBytes = options.maxBytes ?? MAX_ATTACHMENT_BYTES;
  const { id, nonce, asked } = await beginQuestion(conversation, ctx, questionId('files'));
  const files: CollectedAttachment[] = [];
  const keyboardFor = (c: DialogueContext) =>
    new InlineKeyboard().text(
      files.length > 0 ? c.t('dialogue-files-done', { count: files.length }) : c.t('dialogue-skip'),
      buttonData(nonce, files.length > 0 ? 'done' : 'skip'),
    );
  const question = asked?.question ?? (await ctx.reply(options.question, { reply_markup: keyboardFor(ctx) }));
  if (!asked) noteAsked(ctx.dialogueTurn, { id, text: options.question, nonce }, question);
  noteInTranscript(conversation, question.message_id);
  let hints = 0;
  let first = asked?.answer;
  // Bounded: every turn either adds a file (at most maxFiles) or costs a hint (at most MAX_HINTS).
  for (;;) {
    const answer = first ?? (await conversation.wait());
    first = undefined;
    if (!answer.message && !answer.callbackQuery) await conversation.skip();
    noteInTranscript(conversation, answer.message?.message_id);
    if (answer.callbackQuery) {
      const button = parseButton(answer.callbackQuery.data);
      if (button?.nonce === nonce && (button.payload === 'done' || button.payload === 'skip')) {
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
        return files;
      }
    }
    const file = attachmentOf(answer.message);
    let hint: string | undefined;
    if (answer.callbackQuery) hint = answer.t('dialogue-hint-stale-button');
    else if (!file) hint = answer.t('dialogue-hint-expected-file');
    else if ((file.fileSize ?? 0) > maxBytes)
      hint = answer.t('dialogue-hint-file-too-big', { maxMb: Math.floor(maxBytes / 1048576) });
    else if (files.length >= maxFiles) hint = answer.t('dialogue-hint-too-many-files', { max: maxFiles });
    else if (files.some((known) => known.fileUniqueId === file.fileUniqueId))
      hint = answer.t('dialogue-hint-file-repeated');
    if (hint === undefined && file) {
      files.push(file);
      const received = await answer.reply(answer.t('dialogue-file-received', { count: files.length }), {
        reply_markup: keyboardFor(answer),
      });
      noteInTranscript(conversation, received.message_id);
      continue;
    }
    if (answer.callbackQuery) await answer.answerCallbackQuery({ text: hint });
    hints += 1;
    // The «Готово» / «Пропустить» under every hint is the way on here; the bound keeps the log finite.
    if (hints > MAX_HINTS * MAX_HINT_ROUNDS) return leaveAfterTooManyHints(conversation, answer);
    noteInTranscript(
      conversation,
      (await answer.reply(hint ?? '', { reply_markup: keyboardFor(answer) })).message_id,
    );
  }
}
