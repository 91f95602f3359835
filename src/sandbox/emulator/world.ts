/**
 * The emulated side of Telegram: users, their private chats with the bot, every message in them (with
 * edit history and deletion marks), pending callback queries, bot settings, and the event stream that
 * live views and `waitFor*` helpers listen to.
 */
import type {
  BotCommandScope,
  Chat,
  ForceReply,
  InlineKeyboardMarkup,
  MenuButton,
  Message,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
  UserFromGetMe,
} from 'grammy/types';
import { badRequest, ControlError } from './errors.js';
import { FileStore } from './files.js';
import type {
  CallbackAnswer,
  CommandSet,
  EmulatorEvent,
  EventListener,
  MessageSender,
  NewUser,
  StoredMessage,
  WaitForEditOptions,
  WaitForMessageOptions,
} from './types.js';

const FIRST_USER_ID = 100_000_001;

/** The fields that make up what a message shows (what copyMessage copies). */
export const CONTENT_FIELDS = [
  'text',
  'entities',
  'caption',
  'caption_entities',
  'photo',
  'document',
  'audio',
  'voice',
  'video',
  'video_note',
  'sticker',
  'animation',
  'contact',
  'location',
  'venue',
  'has_media_spoiler',
  'show_caption_above_media',
] as const satisfies ReadonlyArray<keyof Message>;

export type MessageContent = Partial<Pick<Message, (typeof CONTENT_FIELDS)[number]>> &
  Pick<Message, 'media_group_id' | 'forward_origin'>;

export type NonInlineMarkup = ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

export interface MessageRecord {
  message: Message;
  sender: MessageSender;
  /** Earlier versions of the message, oldest first. */
  versions: Message[];
  deleted: boolean;
  replyKeyboard?: NonInlineMarkup;
}

export interface ChatRecord {
  user: User;
  chat: Chat.PrivateChat;
  blocked: boolean;
  lastMessageId: number;
  messages: Map<number, MessageRecord>;
  /** The last bot message a `waitForMessage` without an explicit starting point returned. */
  waitCursor: number;
  menuButton?: MenuButton;
}

export interface PendingCallbackQuery {
  userId: number;
  chatId?: number;
  messageId?: number;
  data?: string;
  answered: boolean;
}

export interface NewMessage {
  content: MessageContent;
  replyTo?: MessageRecord;
  inlineMarkup?: InlineKeyboardMarkup;
  replyKeyboard?: NonInlineMarkup;
}

export const unixTime = (): number => Math.floor(Date.now() / 1000);

/** Telegram lets a message be deleted for everyone within this long of sending it. */
export const DELETE_WINDOW_SECONDS = 48 * 3600;

export class World {
  readonly bot: UserFromGetMe;
  /** How far the emulator's clock runs ahead of the real one (advanceClock): message dates, the 48 h rule. */
  clockOffsetMs = 0;
  readonly files = new FileStore();
  readonly callbackQueries = new Map<string, PendingCallbackQuery>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  /** Bot commands per `scope + language_code`. */
  readonly commands = new Map<string, CommandSet>();
  defaultMenuButton: MenuButton = { type: 'default' };

  private readonly users = new Map<number, User>();
  private readonly chats = new Map<number, ChatRecord>();
  private readonly listeners = new Set<EventListener>();
  private readonly pendingWaits = new Set<(reason: Error) => void>();
  private nextUserId = FIRST_USER_ID;
  private callbackQueryCounter = 0;

  constructor(bot: { id: number; username: string; firstName: string }) {
    this.bot = {
      id: bot.id,
      is_bot: true,
      first_name: bot.firstName,
      username: bot.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  // --- users and chats ---

  createUser(input: NewUser): User {
    if (typeof input.first_name !== 'string' || input.first_name === '') {
      throw new ControlError('first_name is required');
    }
    const id = input.id ?? this.nextFreeUserId();
    if (!Number.isSafeInteger(id) || id <= 0) throw new ControlError(`invalid user id ${String(id)}`);
    if (this.users.has(id)) throw new ControlError(`user ${id} already exists`, 409);
    const user: User = {
      id,
      is_bot: false,
      first_name: input.first_name,
      ...(input.last_name !== undefined ? { last_name: input.last_name } : {}),
      ...(input.username !== undefined ? { username: input.username } : {}),
      ...(input.language_code !== undefined ? { language_code: input.language_code } : {}),
    };
    this.users.set(id, user);
    this.chats.set(id, {
      user,
      chat: {
        id,
        type: 'private',
        first_name: user.first_name,
        ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
        ...(user.username !== undefined ? { username: user.username } : {}),
      },
      blocked: false,
      lastMessageId: 0,
      messages: new Map(),
      waitCursor: 0,
    });
    return structuredClone(user);
  }

  listUsers(): User[] {
    return [...this.users.values()].map((user) => structuredClone(user));
  }

  /** The chat of a user the control API names; unknown users are a test mistake. */
  chatOfUser(userId: number): ChatRecord {
    const chat = this.chats.get(userId);
    if (!chat) throw new ControlError(`user ${userId} does not exist; create it first`, 404);
    return chat;
  }

  /** The chat a Bot API call targets, failing like Telegram does for unknown chats. */
  chatForApi(chatId: number): ChatRecord {
    const chat = this.chats.get(chatId);
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  findChat(chatId: number): ChatRecord | undefined {
    return this.chats.get(chatId);
  }

  /** The emulator's time in Unix seconds (the real clock plus what a test advanced it by). */
  unixNow(): number {
    return Math.floor((Date.now() + this.clockOffsetMs) / 1000);
  }

  // --- messages ---

  appendMessage(chat: ChatRecord, sender: MessageSender, draft: NewMessage): MessageRecord {
    chat.lastMessageId += 1;
    const message: Message = {
      message_id: chat.lastMessageId,
      from: sender === 'bot' ? this.botAsUser() : structuredClone(chat.user),
      chat: structuredClone(chat.chat),
      date: this.unixNow(),
      ...(draft.replyTo ? { reply_to_message: this.replyView(draft.replyTo) } : {}),
      ...draft.content,
      ...(draft.inlineMarkup ? { reply_markup: draft.inlineMarkup } : {}),
    };
    const record: MessageRecord = {
      message,
      sender,
      versions: [],
      deleted: false,
      ...(draft.replyKeyboard ? { replyKeyboard: draft.replyKeyboard } : {}),
    };
    chat.messages.set(message.message_id, record);
    this.emit({ type: 'message', chatId: chat.chat.id, message: this.stored(record) });
    return record;
  }

  /** A message that is still there (not deleted). */
  liveMessage(chat: ChatRecord, messageId: number): MessageRecord | undefined {
    const record = chat.messages.get(messageId);
    return record && !record.deleted ? record : undefined;
  }

  replaceMessage(chat: ChatRecord, record: MessageRecord, next: Message): void {
    record.versions.push(record.message);
    record.message = next;
    this.emit({ type: 'edit', chatId: chat.chat.id, message: this.stored(record) });
  }

  markDeleted(chat: ChatRecord, record: MessageRecord): void {
    record.deleted = true;
    this.emit({ type: 'delete', chatId: chat.chat.id, message: this.stored(record) });
  }

  /** The emulator's full view of a message (a copy). */
  stored(record: MessageRecord): StoredMessage {
    const stored: StoredMessage = structuredClone(record.message);
    if (record.versions.length > 0) stored.previous_versions = structuredClone(record.versions);
    if (record.deleted) stored.deleted = true;
    if (record.replyKeyboard) stored.reply_keyboard = structuredClone(record.replyKeyboard);
    return stored;
  }

  /** The message as the Bot API shows it to the bot (a copy). */
  apiMessage(record: MessageRecord): Message {
    return structuredClone(record.message);
  }

  messages(chatId: number, from?: MessageSender): StoredMessage[] {
    const chat = this.chatOfUser(chatId);
    return [...chat.messages.values()]
      .filter((record) => from === undefined || record.sender === from)
      .map((record) => this.stored(record));
  }

  /** The reply keyboard the user currently sees: the latest one the bot sent and did not remove. */
  currentReplyKeyboard(
    chat: ChatRecord,
  ): { record: MessageRecord; keyboard: ReplyKeyboardMarkup } | undefined {
    const records = [...chat.messages.values()].reverse();
    for (const record of records) {
      const markup = record.replyKeyboard;
      if (record.sender !== 'bot' || !markup) continue;
      if ('keyboard' in markup) return { record, keyboard: markup };
      if ('remove_keyboard' in markup) return undefined;
    }
    return undefined;
  }

  botAsUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  private replyView(record: MessageRecord): Message & { reply_to_message: undefined } {
    return { ...structuredClone(record.message), reply_to_message: undefined };
  }

  // --- callback queries ---

  newCallbackQuery(query: Omit<PendingCallbackQuery, 'answered'>): string {
    this.callbackQueryCounter += 1;
    const id = `${query.userId}${String(this.callbackQueryCounter).padStart(6, '0')}`;
    this.callbackQueries.set(id, { ...query, answered: false });
    return id;
  }

  // --- events and waiting ---

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: EmulatorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A failing live view must not break the Bot API call that caused the event.
      }
    }
  }

  /** The next bot message in a chat (see WaitForMessageOptions for which one counts as next). */
  waitForBotMessage(
    chatId: number,
    predicate: (message: StoredMessage) => boolean = () => true,
    timeoutMs = 5000,
    options: WaitForMessageOptions = {},
  ): Promise<StoredMessage> {
    const chat = this.chatOfUser(chatId);
    const after = options.afterMessageId ?? chat.waitCursor;
    const take = (message: StoredMessage): StoredMessage => {
      chat.waitCursor = Math.max(chat.waitCursor, message.message_id);
      return message;
    };
    for (const record of chat.messages.values()) {
      if (record.sender !== 'bot' || record.message.message_id <= after) continue;
      const stored = this.stored(record);
      if (predicate(stored)) return Promise.resolve(take(stored));
    }
    const edited = options.orEditOf;
    const earlier = edited ? chat.messages.get(edited.messageId) : undefined;
    if (edited && earlier && earlier.versions.length > edited.afterVersion) {
      const stored = this.stored(earlier);
      if (predicate(stored)) return Promise.resolve(stored);
    }
    return this.waitForEvent(
      timeoutMs,
      options.signal,
      (event) =>
        event.chatId === chatId &&
        event.type !== 'callback_answer' &&
        event.message.from?.id === this.bot.id &&
        ((event.type === 'message' && event.message.message_id > after) ||
          (event.type === 'edit' &&
            edited !== undefined &&
            event.message.message_id === edited.messageId &&
            (event.message.previous_versions?.length ?? 0) > edited.afterVersion)) &&
        predicate(event.message),
      () =>
        `Timed out after ${timeoutMs} ms waiting for a bot message in chat ${chatId} after message ${after}; ` +
        `latest bot messages: ${this.describeRecentBotMessages(chat)}`,
    ).then(take);
  }

  waitForEdit(
    chatId: number,
    messageId: number,
    timeoutMs = 5000,
    options: WaitForEditOptions = {},
  ): Promise<StoredMessage> {
    const record = this.chatOfUser(chatId).messages.get(messageId);
    if (!record) throw new ControlError(`message ${messageId} not found in chat ${chatId}`, 404);
    const after = options.afterVersion ?? record.versions.length;
    if (record.versions.length > after) return Promise.resolve(this.stored(record));
    return this.waitForEvent(
      timeoutMs,
      options.signal,
      (event) =>
        event.type === 'edit' &&
        event.chatId === chatId &&
        event.message.message_id === messageId &&
        (event.message.previous_versions?.length ?? 0) > after,
      () => `Timed out after ${timeoutMs} ms waiting for an edit of message ${messageId} in chat ${chatId}`,
    );
  }

  private waitForEvent(
    timeoutMs: number,
    signal: AbortSignal | undefined,
    matches: (event: EmulatorEvent) => boolean,
    timeoutMessage: () => string,
  ): Promise<StoredMessage> {
    if (signal?.aborted) return Promise.reject(new ControlError('the wait was aborted', 499));
    return new Promise<StoredMessage>((resolve, reject) => {
      const onAbort = (): void => cancel(new ControlError('the wait was aborted', 499));
      const finish = (): void => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        this.pendingWaits.delete(cancel);
      };
      const cancel = (reason: Error): void => {
        finish();
        reject(reason);
      };
      const timer = setTimeout(() => cancel(new ControlError(timeoutMessage(), 408)), timeoutMs);
      const unsubscribe = this.onEvent((event) => {
        if (event.type === 'callback_answer' || !matches(event)) return;
        finish();
        resolve(event.message);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pendingWaits.add(cancel);
    });
  }

  private describeRecentBotMessages(chat: ChatRecord): string {
    const recent = [...chat.messages.values()].filter((record) => record.sender === 'bot').slice(-3);
    if (recent.length === 0) return 'none';
    return recent
      .map((record) => {
        const body = record.message.text ?? record.message.caption ?? '[media]';
        return `#${record.message.message_id} ${JSON.stringify(body.slice(0, 80))}`;
      })
      .join(', ');
  }

  // --- lifecycle ---

  /** Forgets users, chats, files, callback queries and commands; pending waits fail. */
  reset(): void {
    this.cancelWaits(new ControlError('the emulator was reset', 409));
    this.users.clear();
    this.chats.clear();
    this.files.clear();
    this.callbackQueries.clear();
    this.callbackAnswers.length = 0;
    this.commands.clear();
    this.defaultMenuButton = { type: 'default' };
    this.nextUserId = FIRST_USER_ID;
    this.callbackQueryCounter = 0;
    this.clockOffsetMs = 0;
  }

  cancelWaits(reason: Error): void {
    for (const cancel of [...this.pendingWaits]) cancel(reason);
  }

  private nextFreeUserId(): number {
    while (this.users.has(this.nextUserId)) this.nextUserId += 1;
    const id = this.nextUserId;
    this.nextUserId += 1;
    return id;
  }
}

/** The key commands are stored under: scope and language as Telegram distinguishes them. */
export function commandSetKey(scope: BotCommandScope, languageCode: string): string {
  const { type, ...rest } = scope as BotCommandScope & Record<string, unknown>;
  const details = Object.keys(rest)
    .sort()
    .map((key) => `${key}=${String(rest[key])}`)
    .join('&');
  return `${type}?${details}|${languageCode}`;
}
