import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { CallbackQueryContext, ChatTypeContext, CommandContext, Context } from 'grammy';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Language } from '../db/schema/enums.js';
import type { I18n, Translate } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { DraftsSeen, StoredDraft } from './dialogue/drafts.js';

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

/** A question a dialogue asked at its last wait, kept with its state for the next run (dialogue/continuation.ts). */
export interface PendingQuestion {
  text: string;
  /** The nonce its buttons (and a later way-on offer's) carry. */
  nonce: string;
  messageId: number;
  chatId: number;
  replyMarkup?: unknown;
  /**
   * The draft as it was written when the question was asked (continuation.ts `progressOf`): the next run
   * takes its update as the answer only if the draft still reads so, whatever the question's wording now.
   */
  progress: string;
  /**
   * Which question it was, in words that do not change with its wording (continuation.ts `questionId`):
   * the next run takes its update as the answer only in a question helper with the same id. Absent in a
   * question stored before ids were kept: any question matches it.
   */
  id?: string;
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
  /**
   * The dialogue is a staff member's (the phone intake), set by it on every run: the question helpers' way-on
   * offer and their leaving texts then speak to staff, not to a family (no «Пусть уточнит куратор», no /start).
   */
  staffDialogue?: boolean;
  /**
   * A dialogue that keeps a draft has just kept an answer and ended its run, to be entered again at once
   * from the draft (checkpoints.ts): its replay log then starts at the last answer, not at its first step.
   */
  reenter?: { dialogue: string; args: unknown[] };
  /** The dialogue being entered now is such a re-entry (it goes on silently). */
  reentering?: boolean;
  /**
   * The dialogue entered in this update, if any (the conversations plugin's `onEnter`): its run began now,
   * so it does not end to start over (a run ended in the update that entered it could not be entered again).
   */
  entered?: string;
  /**
   * A dialogue in mode `continue` kept an answer in this update and goes on in the same run
   * (dialogue/continuation.ts); `question`: the question it then asked and waits on. The state stored is
   * then that of the dialogue just entered, with this question (storage.ts).
   */
  continuation?: {
    dialogue: string;
    question?: PendingQuestion;
    /** The draft as this update last wrote it (continuation.ts `progressOf`). */
    progress?: string;
    /**
     * Puts the draft back as it was before this update's first write: a failure keeps the stored state of
     * the last update, so its draft must match it again (create-bot.ts). Dropped once the dialogue is over.
     */
    undo?: (outside: BotContext) => Promise<void>;
  };
  /** The stored state was such a fresh start: the run begins at this question, asked in the last update. */
  continuing?: PendingQuestion;
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
  /** The person's dialogue drafts as this update knows them (read with the member; dialogue/drafts.ts). */
  drafts: DraftsSeen;
  dialogueTurn: DialogueTurn;
}

/** Who sent a private message: the registered member, if any, and their latest dialogue draft, in one query. */
export interface Sender {
  member: CurrentMember | undefined;
  latestDraft: StoredDraft | undefined;
}

/** Context inside conversations: the same extras, installed by the conversation plugins (no ctx.conversation). */
export type DialogueContext = Context & ContextExtras;

/** A dialogue's state as written at the end of its update (storage.ts): the value and its idle deadline. */
export interface DialogueStateWrite {
  key: string;
  value: string;
  ttlSeconds: number;
  /** The sorted set of idle deadlines, and this chat's member and deadline in it. */
  idleKey: string;
  idleScore: number;
  member: string;
}

/** The chat's turn across bot processes, held while this update is handled (middlewares/serialize-chat.ts). */
export interface ChatTurn {
  /**
   * Runs the transaction and ends the turn in it, in one round trip: what the update stores in Redis last
   * (the dialogue's state) is written as the chat is handed on. Once the turn is over, just runs it.
   */
  commit(transaction: ChainableCommander): Promise<void>;
  /** The same for the usual write of a dialogue's state, in one command instead of a transaction. */
  commitState(write: DialogueStateWrite): Promise<void>;
  /** Whether the chat had updates kept behind this one when the turn ended (undefined: not known). */
  readonly keptBehind: boolean | undefined;
  /**
   * The chat's dialogue state as read with the turn taken (serialize-chat.ts), once: null when there is
   * none, undefined when it was not read then (or was taken already) — read it from Redis.
   */
  takeDialogueState?(): string | null | undefined;
}

/** Context of the outside middleware tree: the extras plus the conversation controls and the chat's turn. */
export type BotContext = ConversationFlavor<DialogueContext> & { chatTurn?: ChatTurn };

/** The conversation handle every dialogue and question helper receives. */
export type DialogueConversation = Conversation<BotContext, DialogueContext>;

/** An update in a private chat: what a composer's `chatType('private')` passes on. */
export type PrivateContext = ChatTypeContext<BotContext, 'private'>;

/** A command in a private chat. */
export type CommandInPrivate = CommandContext<PrivateContext>;

/** A button press in a private chat. */
export type PressInPrivate = CallbackQueryContext<PrivateContext>;
