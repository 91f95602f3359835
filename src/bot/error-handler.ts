import { type BotError, GrammyError, HttpError } from 'grammy';
import type { BotContext } from './context.js';
import { isDatabaseOutage } from './intake/database-outage.js';

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
  if (ctx.chat?.type === 'private' && ctx.t) {
    await ctx.reply(ctx.t('error-generic')).catch(() => undefined);
  }
}
