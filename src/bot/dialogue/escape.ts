import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.js';
import { menuButton } from '../main-menu.js';
import { createDraftsRepository, mayHaveDrafts, sawDraftsErased } from './drafts.js';

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
 * Leaving a dialogue drops its draft (create-bot.ts `onExit`). With no dialogue running, the person's drafts
 * go too (its live state was lost, and they chose to leave it), except that `/start` from someone not
 * registered goes on with the registration they began (the onboarding dialogue reads its draft).
 */
export const leaveDialogueOnEscape: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (ctx.chat?.type === 'private' && ctx.from && isDialogueEscape(ctx)) {
    const active = ctx.conversation.active();
    if (Object.keys(active).length > 0) {
      await ctx.conversation.exitAll();
      ctx.log.info('dialogue left by command or menu');
    } else if (!(ctx.member === undefined && isStart(ctx)) && mayHaveDrafts(ctx.drafts)) {
      await createDraftsRepository(ctx.deps.db).erase(ctx.from.id);
      sawDraftsErased(ctx.drafts);
    }
  }
  await next();
};

function isStart(ctx: BotContext): boolean {
  return /^\/start(?:@\w+)?(?:\s|$)/.test(ctx.message?.text ?? '');
}
