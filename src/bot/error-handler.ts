import { type BotError, GrammyError, HttpError } from 'grammy';
import { isDatabaseOutage } from '../db/database-outage.js';
import type { BotContext } from './context.js';
import { readDialoguePrompt } from './dialogue/storage.js';

/**
 * Tells the person what became of their message. Inside a dialogue the state from before this update was
 * kept (storage.ts): the answer was not taken, so the question they must answer comes again, with its
 * buttons. Elsewhere a short apology and when to try again — never a claim that something was saved.
 */
async function tellThePerson(ctx: BotContext): Promise<void> {
  if (ctx.chat?.type !== 'private' || !ctx.t) return;
  const prompt = await readDialoguePrompt(ctx.deps.redis, ctx.deps.config.redisPrefix, ctx.chat.id).catch(
    () => undefined,
  );
  if (!prompt) {
    await ctx.reply(ctx.t('error-generic'));
    return;
  }
  await ctx.reply(ctx.t('dialogue-failed-ask-again'));
  await ctx.reply(prompt.text, {
    ...(prompt.replyMarkup ? { reply_markup: prompt.replyMarkup as never } : {}),
    link_preview_options: { is_disabled: true },
  });
}

/** One place for failures: a log line with the update id, and a kind word to the person — never silence. */
export async function handleBotError(error: BotError<BotContext>): Promise<void> {
  const { ctx } = error;
  const cause = error.error;
  const log = ctx.log ?? ctx.deps?.logger;
  // PostgreSQL away: nothing went wrong with this update itself. It goes back to the intake, which keeps it
  // and handles it again when the database answers (see intake/update-parking.ts) — no error to the person.
  if (isDatabaseOutage(cause)) throw cause;
  if (cause instanceof GrammyError) {
    log?.error(
      { method: cause.method, code: cause.error_code, description: cause.description },
      'telegram refused a call',
    );
  } else if (cause instanceof HttpError) {
    log?.error({ err: cause.error }, 'telegram unreachable');
  } else {
    log?.error({ err: cause }, 'update handling failed');
  }
  await tellThePerson(ctx).catch((failure: unknown) =>
    log?.warn({ err: failure }, 'could not tell the person about a failure'),
  );
}
