/** The Bot API methods the emulator implements, with Telegram's validation and error wording. */
import type { BotCommand, BotCommandScope, InlineKeyboardMarkup, MenuButton, Message } from 'grammy/types';
import { badRequest, forbidden, TelegramApiError } from './errors.js';
import type { FileKind } from './files.js';
import { formatText } from './formatting.js';
import { parseEntities, parseInlineMarkupForEdit, parseReplyMarkup, sameJson } from './markup.js';
import { mediaAttributes, mediaField } from './media.js';
import { type ApiParams, isRecord } from './params.js';
import type { SendLimiter } from './send-limiter.js';
import type { UpdateHub, UpdateKind } from './update-hub.js';
import type { ChatRecord, MessageContent, MessageRecord, NewMessage, World } from './world.js';
import { CONTENT_FIELDS, commandSetKey, DELETE_WINDOW_SECONDS } from './world.js';

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** A result that Telegram accompanies with a description (setWebhook, deleteWebhook). */
export class DescribedResult {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export interface CallContext {
  /** Aborted when the caller went away (long polls stop waiting). */
  signal?: AbortSignal;
}

type MethodHandler = (params: ApiParams, context: CallContext) => unknown;

const MEDIA_METHODS: ReadonlyArray<[method: string, kind: Exclude<FileKind, 'animation'>]> = [
  ['sendPhoto', 'photo'],
  ['sendDocument', 'document'],
  ['sendVoice', 'voice'],
  ['sendVideo', 'video'],
  ['sendVideoNote', 'video_note'],
  ['sendAudio', 'audio'],
  ['sendSticker', 'sticker'],
];

/** The files editMessageMedia replaces, and replaces with. */
const EDITABLE_MEDIA = ['photo', 'video', 'document', 'audio'] as const;

export class BotApi {
  private readonly handlers = new Map<string, { name: string; handle: MethodHandler }>();
  private readonly callCounts = new Map<string, number>();
  private mediaGroupCounter = 0;

  constructor(
    private readonly world: World,
    private readonly updates: UpdateHub,
    private readonly limiter: SendLimiter,
  ) {
    const methods: Record<string, MethodHandler> = {
      getMe: () => this.world.bot,
      logOut: () => true,
      close: () => true,
      getUpdates: (params, context) => this.getUpdates(params, context),
      setWebhook: (params) => this.setWebhook(params),
      deleteWebhook: (params) => {
        const hadWebhook = this.updates.deleteWebhook(params.boolean('drop_pending_updates') ?? false);
        return new DescribedResult(true, hadWebhook ? 'Webhook was deleted' : 'Webhook is already deleted');
      },
      getWebhookInfo: () => this.updates.webhookInfo(),
      sendMessage: (params) => this.sendMessage(params),
      forwardMessage: (params) => this.forwardMessage(params),
      copyMessage: (params) => this.copyMessage(params),
      sendMediaGroup: (params) => this.sendMediaGroup(params),
      editMessageText: (params) => this.editMessageText(params),
      editMessageCaption: (params) => this.editMessageCaption(params),
      editMessageMedia: (params) => this.editMessageMedia(params),
      editMessageReplyMarkup: (params) => this.editMessageReplyMarkup(params),
      deleteMessage: (params) => this.deleteMessages(params, [params.requiredInteger('message_id')]),
      deleteMessages: (params) => this.deleteMessages(params, this.messageIdList(params)),
      answerCallbackQuery: (params) => this.answerCallbackQuery(params),
      sendChatAction: (params) => this.sendChatAction(params),
      getFile: (params) => this.getFile(params),
      setMyCommands: (params) => this.setMyCommands(params),
      getMyCommands: (params) => this.world.commands.get(this.commandKey(params))?.commands ?? [],
      deleteMyCommands: (params) => {
        this.world.commands.delete(this.commandKey(params));
        return true;
      },
      setChatMenuButton: (params) => this.setChatMenuButton(params),
      getChatMenuButton: (params) => this.getChatMenuButton(params),
    };
    for (const [method, kind] of MEDIA_METHODS) methods[method] = (params) => this.sendMedia(params, kind);
    for (const [name, handle] of Object.entries(methods)) {
      this.handlers.set(name.toLowerCase(), { name, handle });
    }
  }

  /** Runs a method (names are case-insensitive, as in Telegram); unknown methods are 404. */
  async call(method: string, params: ApiParams, context: CallContext = {}): Promise<unknown> {
    const handler = this.handlers.get(method.toLowerCase());
    if (!handler) throw new TelegramApiError(404, 'Not Found');
    this.callCounts.set(handler.name, (this.callCounts.get(handler.name) ?? 0) + 1);
    return await handler.handle(params, context);
  }

  apiCallStats(): Record<string, number> {
    return Object.fromEntries(this.callCounts);
  }

  resetStats(): void {
    this.callCounts.clear();
  }

  // --- updates ---

  private getUpdates(params: ApiParams, context: CallContext): Promise<unknown> {
    const allowed = params.json('allowed_updates');
    return this.updates.getUpdates(
      {
        offset: params.integer('offset'),
        limit: params.integer('limit'),
        timeout: params.integer('timeout'),
        allowedUpdates: Array.isArray(allowed) ? (allowed as UpdateKind[]) : undefined,
      },
      context.signal,
    );
  }

  private setWebhook(params: ApiParams): DescribedResult {
    const url = params.string('url') ?? '';
    const dropPending = params.boolean('drop_pending_updates') ?? false;
    if (url === '') {
      const hadWebhook = this.updates.deleteWebhook(dropPending);
      return new DescribedResult(true, hadWebhook ? 'Webhook was deleted' : 'Webhook is already deleted');
    }
    if (!/^https?:\/\/[^\s/]+/i.test(url))
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secretToken = params.string('secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest('secret token contains unallowed characters');
    }
    const maxConnections = params.integer('max_connections') ?? 40;
    if (maxConnections < 1 || maxConnections > 100)
      throw badRequest('bad webhook: max_connections must be 1-100');
    const allowed = params.json('allowed_updates');
    this.updates.setWebhook(
      { url, maxConnections, ...(secretToken ? { secretToken } : {}) },
      Array.isArray(allowed) ? (allowed as UpdateKind[]) : undefined,
      dropPending,
    );
    return new DescribedResult(true, 'Webhook was set');
  }

  // --- sending ---

  private sendMessage(params: ApiParams): Message {
    const content = this.textContent(params);
    const chat = this.writableChat(params);
    const [record] = this.deliver(chat, [{ content, ...this.replyAndMarkup(params, chat) }]);
    return this.world.apiMessage(record as MessageRecord);
  }

  private sendMedia(params: ApiParams, kind: Exclude<FileKind, 'animation'>): Message {
    const source = params.media(kind);
    if (!source) throw badRequest(`there is no ${kind} in the request`);
    const caption = this.captionContent(params, params.string('caption'));
    const chat = this.writableChat(params);
    const file = this.world.files.resolve(source, kind);
    const content: MessageContent = {
      ...mediaField(kind, file, mediaAttributes(params.fields)),
      ...caption,
      ...(params.boolean('has_spoiler') ? { has_media_spoiler: true as const } : {}),
    };
    const [record] = this.deliver(chat, [{ content, ...this.replyAndMarkup(params, chat) }]);
    return this.world.apiMessage(record as MessageRecord);
  }

  private sendMediaGroup(params: ApiParams): Message[] {
    const media = params.json('media');
    if (!Array.isArray(media) || media.length === 0) throw badRequest('media is empty');
    if (media.length < 2 || media.length > 10) throw badRequest('media group must contain 2-10 items');
    const items = media.map((item: unknown) => {
      if (!isRecord(item) || typeof item.type !== 'string')
        throw badRequest("can't parse InputMedia JSON object");
      if (!['photo', 'video', 'document', 'audio'].includes(item.type)) {
        throw badRequest(`unsupported media type "${item.type}" in a media group`);
      }
      return item as Record<string, unknown> & { type: 'photo' | 'video' | 'document' | 'audio' };
    });
    const types = new Set(items.map((item) => item.type));
    if (types.size > 1 && (types.has('document') || types.has('audio'))) {
      throw badRequest(
        `${types.has('document') ? 'document' : 'audio'} can't be mixed with other media types`,
      );
    }
    const chat = this.writableChat(params);
    const { replyTo } = this.replyAndMarkup(params, chat);
    this.mediaGroupCounter += 1;
    const mediaGroupId = `${Date.now()}${String(this.mediaGroupCounter).padStart(4, '0')}`;
    const drafts: NewMessage[] = items.map((item, index) => {
      const file = this.world.files.resolve(params.mediaFromValue(item.media), item.type);
      const captionEntities = parseEntities(item.caption_entities, 'caption_entities');
      const captionText = typeof item.caption === 'string' ? item.caption : undefined;
      const parseMode = typeof item.parse_mode === 'string' ? item.parse_mode : undefined;
      return {
        content: {
          ...mediaField(item.type, file, mediaAttributes(item)),
          ...this.formatCaption(captionText, parseMode, captionEntities),
          media_group_id: mediaGroupId,
        },
        ...(index === 0 && replyTo ? { replyTo } : {}),
      };
    });
    return this.deliver(chat, drafts).map((record) => this.world.apiMessage(record));
  }

  private copyMessage(params: ApiParams): { message_id: number } {
    const chat = this.writableChat(params);
    const source = this.sourceMessage(params, 'message to copy not found');
    const content = pickContent(source.message);
    if (Object.keys(content).length === 0) throw badRequest("message can't be copied");
    if (params.has('caption') && content.text === undefined) {
      delete content.caption;
      delete content.caption_entities;
      Object.assign(content, this.captionContent(params, params.string('caption')));
    }
    const [record] = this.deliver(chat, [{ content, ...this.replyAndMarkup(params, chat) }]);
    return { message_id: (record as MessageRecord).message.message_id };
  }

  private forwardMessage(params: ApiParams): Message {
    const chat = this.writableChat(params);
    const source = this.sourceMessage(params, 'message to forward not found');
    const original = source.message;
    const content: MessageContent = {
      forward_origin: {
        type: 'user',
        date: original.forward_origin?.date ?? original.date,
        sender_user:
          original.forward_origin?.type === 'user'
            ? original.forward_origin.sender_user
            : (original.from ?? this.world.botAsUser()),
      },
      ...pickContent(original),
    };
    const [record] = this.deliver(chat, [
      { content, ...(original.reply_markup ? { inlineMarkup: original.reply_markup } : {}) },
    ]);
    return this.world.apiMessage(record as MessageRecord);
  }

  private sendChatAction(params: ApiParams): true {
    const action = params.requiredString('action', 'action is empty');
    this.writableChat(params);
    if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    return true;
  }

  // --- editing and deleting ---

  private editMessageText(params: ApiParams): Message {
    const { chat, record } = this.editTarget(params);
    const content = this.textContent(params);
    const markup = parseInlineMarkupForEdit(params.json('reply_markup'));
    if (record.message.text === undefined) throw badRequest('there is no text in the message to edit');
    const next = withReplyMarkup(
      { ...record.message, text: content.text, entities: content.entities, edit_date: this.world.unixNow() },
      markup,
    );
    return this.applyEdit(chat, record, next, ['text', 'entities', 'reply_markup']);
  }

  private editMessageCaption(params: ApiParams): Message {
    const { chat, record } = this.editTarget(params);
    const caption = this.captionContent(params, params.string('caption'));
    const markup = parseInlineMarkupForEdit(params.json('reply_markup'));
    // Text, a video note or a sticker has no caption to edit.
    if (record.message.text !== undefined || record.message.video_note || record.message.sticker)
      throw badRequest('there is no caption in the message to edit');
    const next = withReplyMarkup(
      {
        ...record.message,
        caption: caption.caption,
        caption_entities: caption.caption_entities,
        edit_date: this.world.unixNow(),
      },
      markup,
    );
    return this.applyEdit(chat, record, next, ['caption', 'caption_entities', 'reply_markup']);
  }

  /**
   * Replaces a message's file (and caption), as Telegram does: a photo, video, document or audio message (an
   * animation is not emulated), at any age; in an album a document only with a document, an audio only with
   * an audio, a photo or video only with a photo or video. A voice message, a video note, a sticker or a text
   * cannot be edited so.
   */
  private editMessageMedia(params: ApiParams): Message {
    const { chat, record } = this.editTarget(params);
    const media = params.json('media');
    if (!isRecord(media) || typeof media.type !== 'string')
      throw badRequest("can't parse InputMedia JSON object");
    const type = media.type;
    if (!(EDITABLE_MEDIA as readonly string[]).includes(type))
      throw badRequest(`unsupported media type "${type}"`);
    const current = EDITABLE_MEDIA.find((kind) => record.message[kind] !== undefined);
    if (!current) throw badRequest("message can't be edited");
    if (record.message.media_group_id !== undefined) {
      const album = (kind: string) => (kind === 'document' || kind === 'audio' ? kind : 'visual');
      if (album(current) !== album(type))
        throw badRequest("can't edit the media type of a message in an album");
    }
    const markup = parseInlineMarkupForEdit(params.json('reply_markup'));
    const kind = type as (typeof EDITABLE_MEDIA)[number];
    const file = this.world.files.resolve(params.mediaFromValue(media.media), kind);
    const caption = this.formatCaption(
      typeof media.caption === 'string' ? media.caption : undefined,
      typeof media.parse_mode === 'string' ? media.parse_mode : undefined,
      parseEntities(media.caption_entities, 'caption_entities'),
    );
    const rest = Object.fromEntries(
      Object.entries(record.message).filter(
        ([field]) =>
          !(EDITABLE_MEDIA as readonly string[]).includes(field) &&
          field !== 'caption' &&
          field !== 'caption_entities',
      ),
    ) as Message;
    const next = withReplyMarkup(
      {
        ...rest,
        ...mediaField(kind, file, mediaAttributes(media)),
        ...caption,
        edit_date: this.world.unixNow(),
      },
      markup,
    );
    return this.applyEdit(chat, record, next, [
      ...EDITABLE_MEDIA,
      'caption',
      'caption_entities',
      'reply_markup',
    ]);
  }

  private editMessageReplyMarkup(params: ApiParams): Message {
    const { chat, record } = this.editTarget(params);
    const markup = parseInlineMarkupForEdit(params.json('reply_markup'));
    const next = withReplyMarkup({ ...record.message, edit_date: this.world.unixNow() }, markup);
    return this.applyEdit(chat, record, next, ['reply_markup']);
  }

  private editTarget(params: ApiParams): { chat: ChatRecord; record: MessageRecord } {
    if (params.has('inline_message_id'))
      throw badRequest('inline messages are not supported by the emulator');
    const chat = this.writableChat(params);
    const messageId = params.requiredInteger('message_id', 'message identifier is not specified');
    const record = this.world.liveMessage(chat, messageId);
    if (!record) throw badRequest('message to edit not found');
    if (record.sender !== 'bot') throw badRequest("message can't be edited");
    return { chat, record };
  }

  private applyEdit(
    chat: ChatRecord,
    record: MessageRecord,
    next: Message,
    compared: Array<keyof Message>,
  ): Message {
    const unchanged = compared.every((field) => sameJson(record.message[field], next[field]));
    if (unchanged) throw badRequest(NOT_MODIFIED);
    const cleaned = Object.fromEntries(
      Object.entries(next).filter(([, value]) => value !== undefined),
    ) as Message;
    this.world.replaceMessage(chat, record, cleaned);
    return this.world.apiMessage(record);
  }

  /** Telegram deletes a message for everyone only within 48 hours of sending; deleteMessages skips the rest. */
  private deleteMessages(params: ApiParams, messageIds: number[]): true {
    const chat = this.world.chatForApi(params.chatId());
    const records = messageIds.map((id) => this.world.liveMessage(chat, id));
    const deletable = (record: (typeof records)[number]) =>
      record !== undefined && this.world.unixNow() - record.message.date < DELETE_WINDOW_SECONDS;
    if (messageIds.length === 1) {
      if (!records[0]) throw badRequest('message to delete not found');
      if (!deletable(records[0])) throw badRequest("message can't be deleted for everyone");
    }
    for (const record of records) if (record && deletable(record)) this.world.markDeleted(chat, record);
    return true;
  }

  private messageIdList(params: ApiParams): number[] {
    const ids = params.json('message_ids');
    if (!Array.isArray(ids) || ids.length === 0) throw badRequest('message_ids is empty');
    if (!ids.every(Number.isInteger)) throw badRequest("can't parse message_ids JSON array");
    return ids as number[];
  }

  // --- callback queries, files, settings ---

  private answerCallbackQuery(params: ApiParams): true {
    const id = params.requiredString('callback_query_id', 'callback_query_id is empty');
    const query = this.world.callbackQueries.get(id);
    if (!query || query.answered) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    query.answered = true;
    const text = params.string('text');
    const url = params.string('url');
    const showAlert = params.boolean('show_alert');
    const cacheTime = params.integer('cache_time');
    const answer = {
      callback_query_id: id,
      user_id: query.userId,
      ...(query.chatId !== undefined ? { chat_id: query.chatId } : {}),
      ...(query.messageId !== undefined ? { message_id: query.messageId } : {}),
      ...(query.data !== undefined ? { data: query.data } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(showAlert !== undefined ? { show_alert: showAlert } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(cacheTime !== undefined ? { cache_time: cacheTime } : {}),
      answered_at: Date.now(),
    };
    this.world.callbackAnswers.push(answer);
    const chat = query.chatId !== undefined ? this.world.findChat(query.chatId) : undefined;
    const record = chat && query.messageId !== undefined ? chat.messages.get(query.messageId) : undefined;
    this.world.emit({
      type: 'callback_answer',
      chatId: query.chatId ?? query.userId,
      message: record ? this.world.stored(record) : undefined,
      answer: structuredClone(answer),
    });
    return true;
  }

  private getFile(params: ApiParams): {
    file_id: string;
    file_unique_id: string;
    file_size: number;
    file_path: string;
  } {
    const fileId = params.requiredString('file_id', 'file_id is empty');
    const file = this.world.files.get(fileId);
    if (!file) throw badRequest('invalid file_id');
    if (file.size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.size,
      file_path: file.filePath,
    };
  }

  private setMyCommands(params: ApiParams): true {
    const commands = params.json('commands');
    if (!Array.isArray(commands)) throw badRequest('commands is empty');
    if (commands.length > 100) throw badRequest('too many commands');
    const parsed: BotCommand[] = commands.map((command: unknown) => {
      if (
        !isRecord(command) ||
        typeof command.command !== 'string' ||
        typeof command.description !== 'string'
      ) {
        throw badRequest("can't parse BotCommand JSON object");
      }
      if (!/^[a-z0-9_]{1,32}$/.test(command.command)) throw badRequest('BOT_COMMAND_INVALID');
      if (command.description.length < 1 || command.description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return { command: command.command, description: command.description };
    });
    const key = this.commandKey(params);
    if (parsed.length === 0) this.world.commands.delete(key);
    else {
      this.world.commands.set(key, {
        scope: this.commandScope(params),
        language_code: params.string('language_code') ?? '',
        commands: parsed,
      });
    }
    return true;
  }

  private commandScope(params: ApiParams): BotCommandScope {
    const scope = params.json('scope');
    if (scope === undefined) return { type: 'default' };
    if (!isRecord(scope) || typeof scope.type !== 'string')
      throw badRequest("can't parse BotCommandScope JSON object");
    return scope as unknown as BotCommandScope;
  }

  private commandKey(params: ApiParams): string {
    return commandSetKey(this.commandScope(params), params.string('language_code') ?? '');
  }

  private setChatMenuButton(params: ApiParams): true {
    const button = params.json('menu_button') ?? { type: 'default' };
    if (!isRecord(button) || typeof button.type !== 'string')
      throw badRequest("can't parse MenuButton JSON object");
    if (params.has('chat_id'))
      this.world.chatForApi(params.chatId()).menuButton = button as unknown as MenuButton;
    else this.world.defaultMenuButton = button as unknown as MenuButton;
    return true;
  }

  private getChatMenuButton(params: ApiParams): MenuButton {
    if (!params.has('chat_id')) return this.world.defaultMenuButton;
    return this.world.chatForApi(params.chatId()).menuButton ?? this.world.defaultMenuButton;
  }

  // --- shared pieces ---

  /** The target chat of a send or edit: it must exist and the user must not have blocked the bot. */
  private writableChat(params: ApiParams): ChatRecord {
    const chat = this.world.chatForApi(params.chatId());
    if (chat.blocked) throw forbidden('bot was blocked by the user');
    return chat;
  }

  /** Applies flood control, then stores and announces the messages. */
  private deliver(chat: ChatRecord, drafts: NewMessage[]): MessageRecord[] {
    this.limiter.acquire(chat.chat.id, drafts.length);
    return drafts.map((draft) => this.world.appendMessage(chat, 'bot', draft));
  }

  private textContent(params: ApiParams): { text: string; entities?: Message['entities'] } {
    const raw = params.string('text');
    if (raw === undefined || raw === '') throw badRequest('message text is empty');
    const formatted = formatText(
      raw,
      params.string('parse_mode'),
      parseEntities(params.json('entities'), 'entities'),
    );
    if (formatted.text.length === 0) throw badRequest('message text is empty');
    if (formatted.text.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
    return {
      text: formatted.text,
      ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
    };
  }

  private captionContent(
    params: ApiParams,
    caption: string | undefined,
  ): Pick<Message, 'caption' | 'caption_entities'> {
    return this.formatCaption(
      caption,
      params.string('parse_mode'),
      parseEntities(params.json('caption_entities'), 'caption_entities'),
    );
  }

  private formatCaption(
    caption: string | undefined,
    parseMode: string | undefined,
    entities: Message['entities'],
  ): Pick<Message, 'caption' | 'caption_entities'> {
    if (caption === undefined || caption === '') return {};
    const formatted = formatText(caption, parseMode, entities);
    if (formatted.text.length > MAX_CAPTION_LENGTH) throw badRequest('message caption is too long');
    if (formatted.text.length === 0) return {};
    return {
      caption: formatted.text,
      ...(formatted.entities.length > 0 ? { caption_entities: formatted.entities } : {}),
    };
  }

  private replyAndMarkup(
    params: ApiParams,
    chat: ChatRecord,
  ): Pick<NewMessage, 'replyTo' | 'inlineMarkup' | 'replyKeyboard'> {
    const markup = parseReplyMarkup(params.json('reply_markup'));
    const replyParameters = params.json('reply_parameters');
    let replyToId = params.integer('reply_to_message_id');
    let allowWithoutReply = params.boolean('allow_sending_without_reply') ?? false;
    if (isRecord(replyParameters)) {
      if (!Number.isInteger(replyParameters.message_id))
        throw badRequest("can't parse reply parameters JSON object");
      replyToId = replyParameters.message_id as number;
      allowWithoutReply = replyParameters.allow_sending_without_reply === true;
    }
    const replyTo = replyToId !== undefined ? this.world.liveMessage(chat, replyToId) : undefined;
    if (replyToId !== undefined && !replyTo && !allowWithoutReply) {
      throw badRequest('message to be replied not found');
    }
    return {
      ...(replyTo ? { replyTo } : {}),
      ...(markup.inline ? { inlineMarkup: markup.inline } : {}),
      ...(markup.other ? { replyKeyboard: markup.other } : {}),
    };
  }

  private sourceMessage(params: ApiParams, notFound: string): MessageRecord {
    const fromChat = this.world.chatForApi(params.chatId('from_chat_id'));
    const messageId = params.requiredInteger('message_id');
    const source = this.world.liveMessage(fromChat, messageId);
    if (!source) throw badRequest(notFound);
    return source;
  }
}

/** What a copy or forward of a message shows: its content fields, without ids, sender or markup. */
function pickContent(message: Message): MessageContent {
  const content: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) {
    if (message[field] !== undefined) content[field] = structuredClone(message[field]);
  }
  return content as MessageContent;
}

function withReplyMarkup(message: Message, markup: InlineKeyboardMarkup | undefined): Message {
  const { reply_markup: _previous, ...rest } = message;
  return markup ? { ...rest, reply_markup: markup } : rest;
}
