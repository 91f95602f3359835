/** Public types of the Bot API emulator (in-process API and JSON shapes of the HTTP control API). */
import type {
  BotCommand,
  BotCommandScope,
  ForceReply,
  Message,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from 'grammy/types';

export interface RateLimits {
  /** Most messages the bot may send in any 1000 ms, all chats together (Telegram: about 30). */
  global: number;
  /** Messages a second to one private chat, sustained: its bucket refills at this rate (Telegram: about 1). */
  perChat: number;
  /** A private chat's bucket: how many messages may go at once after a quiet while. Default `perChat`. */
  perChatBurst?: number;
  /** Most messages to one group in any 60 s (Telegram: 20). Default 20. */
  perGroupPerMinute?: number;
}

/** Telegram's limits as the emulator enforces them with `--limits` and in the tests (README, emulator). */
export const telegramRateLimits: RateLimits = {
  global: 30,
  perChat: 1,
  perChatBurst: 5,
  perGroupPerMinute: 20,
};

export interface EmulatorOptions {
  /** The bot token requests must carry. */
  token: string;
  /** Accept requests with any token (the standalone sandbox, where the bot brings its own). Default false. */
  acceptAnyToken?: boolean;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Telegram's flood limits; off by default. */
  limits?: RateLimits | false;
  /** Default `emulator_bot`. */
  botUsername?: string;
  /** Default: the numeric part of the token before `:`. */
  botId?: number;
  /** Default `Emulated Bot`. */
  botFirstName?: string;
  /** The update_id of the first update. Default 1. */
  firstUpdateId?: number;
  /** How long an update is retried against a failing webhook before it is given up. Default 30 000 ms. */
  webhookGiveUpMs?: number;
  /** Called after each webhook POST with how long the bot took to answer it (benchmarks). */
  onWebhookAnswered?: (answer: WebhookAnswer) => void;
}

/** One webhook POST as the emulator saw it: from sending the update to the bot's HTTP answer. */
export interface WebhookAnswer {
  update_id: number;
  /** Milliseconds from the start of the POST to the end of the answer's body. */
  ms: number;
  ok: boolean;
}

/** A message as the emulator keeps it: the Telegram message plus what happened to it. */
export interface StoredMessage extends Message {
  /** Set once the message was deleted (by the bot). */
  deleted?: true;
  /** The message as it was before each edit, oldest first. */
  previous_versions?: Message[];
  /** A reply keyboard, its removal or a force reply the bot sent with the message (Telegram does not echo those). */
  reply_keyboard?: ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;
}

export type MessageSender = 'bot' | 'user';

export interface CallbackAnswer {
  callback_query_id: string;
  /** The user who pressed the button. */
  user_id: number;
  /** Chat and message the pressed button is on, when known. */
  chat_id?: number;
  message_id?: number;
  data?: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
  /** Unix time in milliseconds. */
  answered_at: number;
}

export type EmulatorEvent =
  | { type: 'message' | 'edit' | 'delete'; chatId: number; message: StoredMessage }
  | { type: 'callback_answer'; chatId: number; message: StoredMessage | undefined; answer: CallbackAnswer };

export type EventListener = (event: EmulatorEvent) => void;

/** What an injected update produced. */
export interface InjectResult {
  update_id: number;
  message_id?: number;
  callback_query_id?: string;
}

export interface NewUser {
  id?: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface ReplyOption {
  /** Id of the message (in the same chat) this one replies to. */
  replyTo?: number;
}

export interface ContactInput extends ReplyOption {
  phone_number: string;
  /** Whose contact it is; defaults to the sender (sharing one's own contact). */
  user_id?: number;
  first_name?: string;
  last_name?: string;
}

export interface PhotoInput extends ReplyOption {
  caption?: string;
  mediaGroupId?: string;
}

export interface DocumentInput extends ReplyOption {
  file_name: string;
  mime_type?: string;
  /** Declared size in bytes; the generated content has that length (up to 20 MB). */
  size?: number;
  /** UTF-8 content of the file; overrides `size`. */
  content?: string;
  caption?: string;
  mediaGroupId?: string;
}

export interface StickerInput extends ReplyOption {
  emoji?: string;
}

export interface VoiceInput extends ReplyOption {
  duration?: number;
  caption?: string;
}

export interface VideoInput extends ReplyOption {
  duration?: number;
  caption?: string;
  mediaGroupId?: string;
}

export interface VideoNoteInput extends ReplyOption {
  duration?: number;
}

export interface LocationInput extends ReplyOption {
  latitude: number;
  longitude: number;
}

/** An update to inject as is; a given `update_id` is kept (to deliver the same update twice). */
export type RawUpdate = Omit<Update, 'update_id'> & { update_id?: number };

export interface ChatSendStats {
  acceptedSends: number;
  tooManyRequests: number;
  /** Most accepted sends to this chat in any 1000 ms window. */
  maxSendsPerSecond: number;
}

export interface WebhookFailure {
  update_id: number;
  url: string;
  attempts: number;
  last_error: string;
}

export interface EmulatorStats {
  /** Messages the bot got delivered (send*, copyMessage, forwardMessage; a media group counts each item). */
  acceptedSends: number;
  /** Sends refused with 429 Too Many Requests. */
  tooManyRequests: number;
  /** Most accepted sends in any 1000 ms sliding window, all chats together. */
  maxSendsPerSecondGlobal: number;
  /** Most accepted sends in any 1000 ms sliding window to a single chat (the busiest chat). */
  maxSendsPerSecondPerChat: number;
  perChat: Record<string, ChatSendStats>;
  /** Bot API calls received, by method name. */
  apiCalls: Record<string, number>;
  /** Updates waiting for getUpdates or for webhook delivery. */
  pendingUpdates: number;
  webhook: { delivered: number; failures: WebhookFailure[] };
}

export interface CommandSet {
  scope: BotCommandScope;
  language_code: string;
  commands: BotCommand[];
}

export interface WaitForMessageOptions {
  /**
   * Only messages with a greater id count. Default: the last bot message an earlier wait returned in this
   * chat (each wait consumes messages in order, like reading a chat).
   */
  afterMessageId?: number;
  /**
   * Also counts an edit of this earlier message (a pressed question the bot turns into its answer), once it
   * has more than `afterVersion` previous versions and the edited message matches.
   */
  orEditOf?: { messageId: number; afterVersion: number };
  /** Stops waiting (the promise rejects) when aborted. */
  signal?: AbortSignal;
}

export interface WaitForEditOptions {
  /** Resolve once the message has more than this many previous versions. Default: its count at call time. */
  afterVersion?: number;
  /** Stops waiting (the promise rejects) when aborted. */
  signal?: AbortSignal;
}

export type { Message, Update, User, WebhookInfo };

/** The emulator as its users (tests, the sandbox, the control API) see it. */
export interface Emulator {
  /** `http://host:port`; available once started. */
  readonly url: string;
  /** What to give grammY as `client.apiRoot` (same as `url`). */
  readonly apiRoot: string;
  readonly token: string;
  /** What getMe returns. */
  readonly bot: UserFromGetMe;

  start(): Promise<void>;
  stop(): Promise<void>;

  /** Creates a user and its private chat with the bot; `phone_number` is what shared own contacts carry. */
  createUser(user: NewUser & { phone_number?: string }): User;
  users(): User[];

  sendText(userId: number, text: string, options?: ReplyOption): InjectResult;
  sendContact(userId: number, contact: ContactInput): InjectResult;
  sendPhoto(userId: number, photo?: PhotoInput): InjectResult;
  sendDocument(userId: number, document: DocumentInput): InjectResult;
  sendSticker(userId: number, sticker?: StickerInput): InjectResult;
  sendVoice(userId: number, voice?: VoiceInput): InjectResult;
  sendVideo(userId: number, video?: VideoInput): InjectResult;
  sendVideoNote(userId: number, videoNote?: VideoNoteInput): InjectResult;
  sendLocation(userId: number, location: LocationInput): InjectResult;
  editText(userId: number, messageId: number, newText: string): InjectResult;
  pressButton(userId: number, messageId: number, callbackData: string): InjectResult;
  pressButtonByText(userId: number, messageId: number | undefined, buttonText: string): InjectResult;
  pressReplyButton(userId: number, text: string): InjectResult;
  injectUpdate(update: RawUpdate): InjectResult;
  /** Every update injected so far (to re-inject one, or to inspect what the bot was sent). */
  injectedUpdates(): Update[];

  messages(chatId: number, options?: { from?: MessageSender }): StoredMessage[];
  /** Resolves with the next bot message in the chat that satisfies `predicate`; rejects after `timeoutMs`. */
  waitForMessage(
    chatId: number,
    predicate?: (message: StoredMessage) => boolean,
    timeoutMs?: number,
    options?: WaitForMessageOptions,
  ): Promise<StoredMessage>;
  /** Resolves with the message once it has been edited (again). */
  waitForEdit(
    chatId: number,
    messageId: number,
    timeoutMs?: number,
    options?: WaitForEditOptions,
  ): Promise<StoredMessage>;
  callbackAnswers(): CallbackAnswer[];

  /** Blocks/unblocks the bot for a user (the bot then gets 403 on sends and a my_chat_member update). */
  setBlocked(userId: number, blocked: boolean): { update_id?: number };
  /**
   * Calls naming this chat (`chat_id`) are answered `ms` later, as a Telegram that hangs; a caller that gives
   * up first (its timeout) gets nothing and nothing is sent. 0 ends it; `reset()` ends every one.
   */
  answerLate(chatId: number, ms: number): void;
  setLimits(limits: RateLimits | false): void;
  limits(): RateLimits | false;
  /**
   * Moves the emulator's clock ahead (message dates, Telegram's 48 hours for deleting a message); returns
   * how far ahead of the real clock it now runs, in ms. `reset()` puts it back.
   */
  advanceClock(ms: number): number;
  stats(): EmulatorStats;
  /** Forgets users, chats, files, updates, the webhook, commands and stats; limits go back to the options. */
  reset(): void;
  webhookInfo(): WebhookInfo;
  commands(): CommandSet[];
  onEvent(listener: EventListener): () => void;
}
