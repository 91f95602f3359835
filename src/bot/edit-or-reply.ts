import { GrammyError } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { BotContext } from './context.js';

/**
 * Replaces the pressed message with `text`. 'unchanged' when it already shows exactly that (a second press
 * on the same view); 'refused' when Telegram will not edit it (not the bot's, gone, too old), logged.
 */
export async function editPressed(
  ctx: BotContext,
  text: string,
  replyMarkup?: InlineKeyboardMarkup,
): Promise<'edited' | 'unchanged' | 'refused'> {
  try {
    await ctx.editMessageText(text, replyMarkup ? { reply_markup: replyMarkup } : {});
    return 'edited';
  } catch (error) {
    if (!(error instanceof GrammyError)) throw error;
    if (error.description.includes('message is not modified')) return 'unchanged';
    ctx.log.debug({ err: error }, 'could not edit the pressed message');
    return 'refused';
  }
}

/**
 * Shows a view: in place of the pressed message when it was opened from a button, else (a command, or a
 * message Telegram will not edit) as a new message.
 */
export async function editOrReply(ctx: BotContext, text: string, replyMarkup?: InlineKeyboardMarkup) {
  if (ctx.callbackQuery?.message && (await editPressed(ctx, text, replyMarkup)) !== 'refused') return;
  await ctx.reply(text, replyMarkup ? { reply_markup: replyMarkup } : {});
}

/**
 * Takes the buttons off the pressed message: none of them is the presser's to use any more. A message
 * Telegram will not edit (gone, too old, already bare) is left as it is, logged.
 */
export async function removePressedButtons(ctx: BotContext): Promise<void> {
  if (!ctx.callbackQuery?.message) return;
  await ctx
    .editMessageReplyMarkup({ reply_markup: undefined })
    .catch((error: unknown) => ctx.log.debug({ err: error }, 'could not take the buttons off'));
}
