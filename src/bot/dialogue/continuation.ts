import { createHash } from 'node:crypto';
import type { Message } from 'grammy/types';
import type { DialogueContext, DialogueConversation, DialogueTurn, PendingQuestion } from '../context.js';

/**
 * One run per answer (issue 14 §3). A dialogue that keeps its answers in a draft (checkpoints.ts, mode
 * `continue`) goes on after a kept answer to its next question, in the same run. When it then waits, its
 * state in Redis is not the run's replay log but the state of a dialogue just entered (storage.ts), with the
 * question it asked: the next update starts the dialogue afresh, which reads its answers from the draft,
 * goes silently past them and reaches that same question. The question is not asked again: the update that
 * started the run is its first answer (the question helpers take it here). So no update replays more than
 * one question, and none enters the dialogue a second time.
 *
 * The stored question carries the draft as it was when the question was asked (`progressOf`), not its
 * text: a wording changed by a deploy, or a date in it that changed at midnight, does not matter. The run
 * takes its update as the answer only if the draft still reads so (checkpoints.ts openDraft, decided once,
 * inside an `external`, so every replay of the run decides alike), and only in a question helper of the
 * same id (`questionId`: kind and option values, kept with the question; see takeAnswerTo). If it does not
 * (the draft moved on without the state: a crash after the answer was kept; or another question came
 * first), the person reads «Продолжим с того места…», the question the run meets is asked, and the update
 * is not taken as an answer. A failed update puts the draft back as it was (`undo`, create-bot.ts), so the
 * state it keeps and the draft match again.
 */
const pending = new WeakMap<DialogueConversation, { question: PendingQuestion; answer: DialogueContext }>();

/** The run began at a question asked in the last update: `answer` (the run's first update) answers it. */
export function expectAnswerTo(
  conversation: DialogueConversation,
  question: PendingQuestion,
  answer: DialogueContext,
): void {
  pending.set(conversation, { question, answer });
}

/**
 * A question's id, the same whatever its wording: the helper's kind ('text', 'date', 'contact', 'files'),
 * and for a choice the values of its options ('choice:yes|no').
 */
export function questionId(kind: string, values?: readonly string[]): string {
  return values ? `${kind}:${values.join('|')}` : kind;
}

/**
 * For the run's first question, a helper asking the question `id`: the message it was asked as, its
 * buttons' nonce, and the update that answers it, when the run began at this question asked in the last
 * update; else undefined (ask it). Once per run: any later question is asked as usual.
 *
 * The draft reads as when the question was asked, yet the run met another question first (the way to it
 * depends on more than the draft: a message held since, a deploy that changed the steps): the update is not
 * this question's answer. `moved` is then true: the person reads «Продолжим…» and the question is asked.
 * Decided by the stored question and the helper's own `id` only, so every replay decides alike.
 */
export function takeAnswerTo(
  conversation: DialogueConversation,
  id: string,
): { question: Message; nonce: string | undefined; answer: DialogueContext } | { moved: true } | undefined {
  const found = pending.get(conversation);
  if (!found) return undefined;
  pending.delete(conversation);
  const { question, answer } = found;
  if (question.id !== undefined && question.id !== id) return { moved: true };
  const message = {
    message_id: question.messageId,
    date: 0,
    chat: { id: question.chatId, type: 'private', first_name: '' },
    text: question.text,
    ...(question.replyMarkup ? { reply_markup: question.replyMarkup } : {}),
  } as Message;
  return { question: message, nonce: question.nonce, answer };
}

/**
 * A question helper asked `text` (question `id`, as `message`, with buttons carrying `nonce`): if the
 * dialogue kept an answer in this update (continuation mode), this question is where its next run begins.
 */
export function noteAsked(
  turn: DialogueTurn,
  question: { id: string; text: string; nonce: string },
  message: Message,
): void {
  const { continuation } = turn;
  if (continuation?.progress === undefined) return;
  const { id, text, nonce } = question;
  continuation.question = {
    text,
    nonce,
    messageId: message.message_id,
    chatId: message.chat.id,
    ...(message.reply_markup ? { replyMarkup: message.reply_markup } : {}),
    progress: continuation.progress,
    id,
  };
}

/**
 * JSON.stringify's replacer: each object's keys in order, all the way down, so that a draft's answers read
 * back from jsonb compare equal to those written. It sees values as JSON has them (a date as its string,
 * `undefined` left out), so the text is that of the answers' JSON with its keys sorted, in one pass.
 */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries);
}

/** A short digest of a draft's answers: equal for the same answers, as written or as read back. */
export function progressOf(answers: Record<string, unknown>): string {
  return createHash('sha1').update(JSON.stringify(answers, sortedKeys)).digest('base64url').slice(0, 16);
}
