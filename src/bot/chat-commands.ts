import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Language, StaffRole } from '../db/schema/enums.js';
import { languages } from '../db/schema/enums.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';

/** Whose command menu: a person not registered yet (the default), a family member, or a staff role. */
export type MenuAudience = 'default' | 'family' | StaffRole;

/**
 * The bot's command menu per audience. Supervisor and observer commands (/overdue, /stats, /find, /export)
 * are handled by src/features/supervision; they are listed here so each role sees its whole toolbox.
 */
export const menuCommands: Record<MenuAudience, readonly string[]> = {
  default: ['start', 'help'],
  family: ['menu', 'help', 'cancel'],
  curator: ['my', 'family', 'intake', 'field', 'away', 'back', 'help', 'cancel'],
  supervisor: [
    'overdue',
    'silent',
    'my',
    'family',
    'find',
    'stats',
    'export',
    'announce',
    'web',
    'help',
    'cancel',
  ],
  observer: ['stats', 'export', 'web', 'help'],
  field: ['field', 'help', 'cancel'],
  psychologist: ['today', 'week', 'schedule', 'help'],
};

export function commandsFor(i18n: I18n, audience: MenuAudience, language: Language): BotCommand[] {
  return menuCommands[audience].map((command) => ({
    command,
    description: i18n.t(language, 'ct-command', { command }),
  }));
}

/**
 * Sets this chat's own command menu (BotCommandScopeChat). A failure is logged and does not stop what the
 * person was doing: the menu is a convenience, the commands work typed in full.
 */
export async function setChatCommands(
  deps: { api: Api; i18n: I18n; logger: Logger },
  chatId: number,
  audience: MenuAudience,
  language: Language = 'ru',
) {
  try {
    await deps.api.setMyCommands(commandsFor(deps.i18n, audience, language), {
      scope: { type: 'chat', chat_id: chatId },
    });
  } catch (error) {
    deps.logger.warn({ err: error, audience }, 'could not set the chat command menu');
  }
}

/** The menu of everyone without a chat menu of their own: Russian by default, English for English clients. */
export async function setDefaultCommands(deps: { api: Api; i18n: I18n; logger: Logger }) {
  try {
    for (const language of languages) {
      await deps.api.setMyCommands(commandsFor(deps.i18n, 'default', language), {
        scope: { type: 'all_private_chats' },
        ...(language === 'ru' ? {} : { language_code: language }),
      });
    }
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not set the default command menu');
  }
}
