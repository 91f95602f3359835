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
 * What a fresh run meets first must be the question that was asked. If it is not (the draft moved on
 * without the state: a failure after the answer was kept), the question it meets is asked as usual and the
 * update is not taken as an answer.
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
 * For the run's first question: the message it was asked as, its buttons' nonce, and the update that
 * answers it, when the question (`text`) is the one asked in the last update; else undefined (ask it).
 * Once per run: any later question is asked as usual.
 */
export function takeAnswerTo(
  conversation: DialogueConversation,
  text: string,
): { question: Message; nonce: string | undefined; answer: DialogueContext } | undefined {
  const found = pending.get(conversation);
  if (!found) return undefined;
  pending.delete(conversation);
  const { question, answer } = found;
  if (question.text !== text) {
    answer.log.warn('dialogue went on to another question than the one asked; asking it');
    return undefined;
  }
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
 * A question helper asked `text` (as `message`, with buttons carrying `nonce`): if the dialogue kept an
 * answer in this update (continuation mode), this question is where its next run begins.
 */
export function noteAsked(turn: DialogueTurn, text: string, nonce: string, message: Message): void {
  if (!turn.continuation) return;
  turn.continuation.question = {
    text,
    nonce,
    messageId: message.message_id,
    chatId: message.chat.id,
    ...(message.reply_markup ? { replyMarkup: message.reply_markup } : {}),
  };
}
