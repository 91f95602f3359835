import type { MiddlewareFn, Transformer } from 'grammy';
import { forgiveLatePressAnswers } from '../../telegram/late-press-answers.js';
import type { ContextExtras, DialogueContext, DialogueTurn } from '../context.js';

/**
 * Notes each question a dialogue sends (and a later edit of its keyboard) as the turn's prompt. Installed
 * on the dialogue's own Api above the replay log, so replayed sends count too: after the replay the prompt
 * is the question the person is answering, and storage.ts keeps it with the dialogue's state.
 */
function promptRecorder(turn: DialogueTurn): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (!response.ok) return response;
    const sent = payload as { text?: unknown; reply_markup?: unknown; message_id?: unknown };
    if (method === 'sendMessage' && typeof sent.text === 'string') {
      turn.prompt = {
        text: sent.text,
        ...(sent.reply_markup ? { replyMarkup: sent.reply_markup } : {}),
        messageId: (response.result as { message_id?: number }).message_id,
      };
    } else if (
      method === 'editMessageReplyMarkup' &&
      turn.prompt &&
      sent.message_id === turn.prompt.messageId
    ) {
      // A keyboard that changes in place (the weekdays): the question comes back as it looks now.
      const { replyMarkup: _old, ...rest } = turn.prompt;
      turn.prompt = { ...rest, ...(sent.reply_markup ? { replyMarkup: sent.reply_markup } : {}) };
    }
    return response;
  };
}

/** Whose update a context is: its chat (a dialogue's contexts are all of its private chat), else its sender. */
function updateKey(ctx: { chat?: { id: number }; from?: { id: number } }): number | undefined {
  return ctx.chat?.id ?? ctx.from?.id;
}

/**
 * Carries the extras of the update being handled (deps, log, language, t, member) into the context
 * objects the conversations plugin creates, which never pass the outside middleware. Every replayed
 * context gets the current update's extras, so a text reads in the language the person uses now.
 * Dialogues run in private chats, whose updates one process handles one at a time (sequentialize in
 * create-bot.ts), so the chat tells whose update a dialogue's context belongs to. (Not AsyncLocalStorage:
 * it puts promise hooks on every promise of the process, ~3 % of the bot's CPU.)
 */
export function createDialogueExtras() {
  const current = new Map<number, ContextExtras[]>();
  return {
    /** Outside middleware: run the rest of the update with these extras available to its dialogues. */
    async provide(
      ctx: { chat?: { id: number }; from?: { id: number } },
      extras: ContextExtras,
      next: () => Promise<void>,
    ): Promise<void> {
      const key = updateKey(ctx);
      if (key === undefined) return next();
      const held = current.get(key);
      if (held) held.push(extras);
      else current.set(key, [extras]);
      try {
        await next();
      } finally {
        const list = current.get(key);
        const at = list?.lastIndexOf(extras) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        if (list?.length === 0) current.delete(key);
      }
    },
    /** Conversation plugin: install the extras on a context created by the conversations plugin. */
    install: (async (ctx, next) => {
      const key = updateKey(ctx);
      const extras = key === undefined ? undefined : current.get(key)?.at(-1);
      if (!extras) throw new Error('dialogue context created outside an update');
      // As they are: the update's `log` stays a getter (made when first used, create-bot.ts).
      Object.defineProperties(ctx, Object.getOwnPropertyDescriptors(extras));
      ctx.api.config.use(promptRecorder(extras.dialogueTurn));
      ctx.api.config.use(forgiveLatePressAnswers);
      await next();
    }) satisfies MiddlewareFn<DialogueContext>,
  };
}

export type DialogueExtras = ReturnType<typeof createDialogueExtras>;
