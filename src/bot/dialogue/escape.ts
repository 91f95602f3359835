import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.js';
import { menuButton } from '../main-menu.js';

/**
 * Commands that always work, in a dialogue or not. The curator's tools are here too: `/my` typed while a
 * dialogue waits for a comment must open the list, not become the comment a family reads.
 */
export const escapeCommands = [
  'start',
  'cancel',
  'menu',
  'help',
  'my',
  'family',
  'away',
  'back',
  'intake',
  // Supervisors' commands: a /stats typed while a dialogue waits for a comment must not become the comment.
  'overdue',
  'stats',
  'find',
  'export',
] as const;

/** Whether this update should leave any dialogue in progress: an escape command or a main-menu button. */
export function isDialogueEscape(ctx: BotContext): boolean {
  const text = ctx.message?.text;
  if (!text) return false;
  const command = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/.exec(text)?.[1];
  if (command && (escapeCommands as readonly string[]).includes(command)) return true;
  // Only members have the menu keyboard; for anyone else «Настройки» typed into a name field is just text.
  return ctx.member !== undefined && menuButton(ctx) !== undefined;
}

/**
 * Installed after the conversations plugin and before any dialogue: `/cancel`, `/menu`, `/help`, `/start`
 * and the main-menu buttons leave the dialogue, and the update then goes on to the command or menu handler.
 */
export const leaveDialogueOnEscape: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (ctx.chat?.type === 'private' && isDialogueEscape(ctx)) {
    const active = ctx.conversation.active();
    if (Object.keys(active).length > 0) {
      await ctx.conversation.exitAll();
      ctx.log.info('dialogue left by command or menu');
    }
  }
  await next();
};
