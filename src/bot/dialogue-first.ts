import type { Middleware, MiddlewareFn, NextFunction } from 'grammy';
import { Composer } from './composer.js';
import type { BotContext } from './context.js';
import { isQuestionButton } from './dialogue/questions.js';

/** The feature composer that registers `dialogue`: an answer in that dialogue may start there. */
export interface DialogueFirst<C extends BotContext> {
  dialogue: string;
  feature: Middleware<C>;
}

/**
 * Whether the update is an answer in `dialogue` that no feature before it would take: from a registered
 * family member in their private chat, `dialogue` the chat's only active one, and the press of a question's
 * own button or a text that is not a command. The composers before it take commands, their own buttons
 * (other prefixes than a question's) and main-menu buttons (which have left the dialogue in the escape, so
 * none is active by now); none takes such an answer.
 */
function answerIn(ctx: BotContext, dialogue: string): boolean {
  if (ctx.chat?.type !== 'private' || ctx.member === undefined) return false;
  const data = ctx.callbackQuery?.data;
  const text = ctx.message?.text;
  if (data !== undefined ? !isQuestionButton(data) : text === undefined || text.startsWith('/')) return false;
  const active = ctx.conversation.active();
  let found = false;
  for (const id in active) {
    if (id !== dialogue) return false;
    found = true;
  }
  return found;
}

/**
 * The features in their order, except that an answer in `first.dialogue` (above) goes to the composer that
 * registers it first: about 80 middleware steps and filters and ten dialogue registrations fewer for the
 * intake's common update (BENCHMARKS.md, «an update routed straight to its dialogue»). When its dialogue
 * passes the update on, the composers before it run then (registering their dialogues, for a resume from a
 * draft to enter), and the rest after them, as in the usual order: none of the ones before takes it.
 */
export function routeAnswersFirst<C extends BotContext>(
  features: readonly Middleware<C>[],
  first: DialogueFirst<C> | undefined,
): MiddlewareFn<C> {
  const all = new Composer<C>(...features).middleware();
  const at = first ? features.indexOf(first.feature) : -1;
  if (!first || at < 0) return all;
  const owner = new Composer<C>(first.feature).middleware();
  const before = new Composer<C>(...features.slice(0, at)).middleware();
  const after = new Composer<C>(...features.slice(at + 1)).middleware();
  const rest = (ctx: C, next: NextFunction) => async () => {
    await before(ctx, async () => {
      await after(ctx, next);
    });
  };
  return (ctx, next) => (answerIn(ctx, first.dialogue) ? owner(ctx, rest(ctx, next)) : all(ctx, next));
}
