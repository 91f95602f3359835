import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Language } from '../db/schema/enums.js';
import type { I18n, Translate } from '../i18n.js';
import type { Logger } from '../logger.js';

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** Both languages, for texts to other people and for matching menu buttons in either language. */
  i18n: I18n;
  redis: Redis;
}

/** The family member behind this update, when the sender is registered (not erased). */
export interface CurrentMember {
  id: number;
  familyId: number;
  language: Language;
}

/** The question a dialogue last sent: what the person must answer next. */
export interface DialoguePrompt {
  text: string;
  /** The question's keyboard, as sent (its buttons keep working: their data is in the replay log). */
  replyMarkup?: unknown;
  /** The message it was sent as (to follow edits of its keyboard). */
  messageId?: number;
}

/** What one update did in a dialogue, shared by every context the conversations plugin makes for it. */
export interface DialogueTurn {
  /** The last question sent, replayed or new, by the time the dialogue waits again. */
  prompt?: DialoguePrompt;
  /** Handling failed: the dialogue keeps the state it had before this update (storage.ts). */
  failed?: boolean;
  /**
   * The family a staff member's dialogue is about (phone intake, once the family exists): its state holds
   * that family's data, and goes when the family deletes its data (storage.ts forgetDialoguesAbout).
   */
  aboutFamilyId?: number;
}

export interface ContextExtras {
  deps: BotDeps;
  /** A child logger tagged with the update id. */
  log: Logger;
  /** The person's language: family_members.language when registered, else Telegram's language_code. */
  language: Language;
  t: Translate;
  /** Set when the sender is a registered family member; looked up once per update. */
  member: CurrentMember | undefined;
  dialogueTurn: DialogueTurn;
}

/** Context inside conversations: the same extras, installed by the conversation plugins (no ctx.conversation). */
export type DialogueContext = Context & ContextExtras;

/** Context of the outside middleware tree: the extras plus the conversation controls. */
export type BotContext = ConversationFlavor<DialogueContext>;

/** The conversation handle every dialogue and question helper receives. */
export type DialogueConversation = Conversation<BotContext, DialogueContext>;
