/**
 * What emulated users do: write, share contacts and media, edit, press buttons, block the bot. Each action
 * is stored in the chat and becomes an update for the bot.
 */
import type { ChatMemberUpdated, InlineKeyboardButton, Message, Update } from 'grammy/types';
import { ControlError } from './errors.js';
import { guessMimeType, TINY_PNG } from './files.js';
import { formatText } from './formatting.js';
import { keyboardButtonText } from './markup.js';
import { isRecord } from './params.js';
import type {
  ContactInput,
  DocumentInput,
  InjectResult,
  LocationInput,
  PhotoInput,
  RawUpdate,
  ReplyOption,
  StickerInput,
  VideoInput,
  VideoNoteInput,
  VoiceInput,
} from './types.js';
import type { UpdateHub } from './update-hub.js';
import { updateKind } from './update-hub.js';
import type { ChatRecord, MessageContent, MessageRecord, World } from './world.js';

const MAX_GENERATED_FILE_BYTES = 20 * 1024 * 1024;

type PrivateMessage = Message & Update.NonChannel;

export class UserActions {
  /** Phone numbers of users, for contacts they share (not part of Telegram's User object). */
  private readonly phoneNumbers = new Map<number, string>();

  constructor(
    private readonly world: World,
    private readonly updates: UpdateHub,
  ) {}

  setPhoneNumber(userId: number, phoneNumber: string): void {
    this.phoneNumbers.set(userId, phoneNumber);
  }

  sendText(userId: number, text: string, options: ReplyOption = {}): InjectResult {
    if (typeof text !== 'string') throw new ControlError('text must be a string');
    const formatted = formatText(text, undefined, undefined);
    if (formatted.text === '') throw new ControlError('text is empty');
    return this.userMessage(
      userId,
      { text: formatted.text, ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}) },
      options.replyTo,
    );
  }

  sendContact(userId: number, input: ContactInput): InjectResult {
    if (typeof input.phone_number !== 'string' || input.phone_number === '') {
      throw new ControlError('phone_number is required');
    }
    const sender = this.world.chatOfUser(userId).user;
    const contactUserId = input.user_id ?? userId;
    const contactUser = contactUserId === userId ? sender : this.world.findChat(contactUserId)?.user;
    const firstName = input.first_name ?? contactUser?.first_name ?? 'Contact';
    const lastName = input.last_name ?? (input.first_name === undefined ? contactUser?.last_name : undefined);
    return this.userMessage(
      userId,
      {
        contact: {
          phone_number: input.phone_number,
          first_name: firstName,
          ...(lastName !== undefined ? { last_name: lastName } : {}),
          user_id: contactUserId,
        },
      },
      input.replyTo,
    );
  }

  sendPhoto(userId: number, input: PhotoInput = {}): InjectResult {
    this.world.chatOfUser(userId);
    const file = this.world.files.add('photo', { bytes: TINY_PNG, mimeType: 'image/png' });
    return this.userMessage(
      userId,
      {
        photo: [
          {
            file_id: file.fileId,
            file_unique_id: file.fileUniqueId,
            width: 1,
            height: 1,
            file_size: file.size,
          },
        ],
        ...captionOf(input.caption),
        ...(input.mediaGroupId !== undefined ? { media_group_id: input.mediaGroupId } : {}),
      },
      input.replyTo,
    );
  }

  sendDocument(userId: number, input: DocumentInput): InjectResult {
    if (typeof input.file_name !== 'string' || input.file_name === '')
      throw new ControlError('file_name is required');
    this.world.chatOfUser(userId);
    const declaredSize = input.content !== undefined ? undefined : (input.size ?? 1024);
    const bytes =
      input.content !== undefined
        ? Buffer.from(input.content, 'utf8')
        : Buffer.alloc(Math.min(declaredSize ?? 0, MAX_GENERATED_FILE_BYTES), 'x');
    const mimeType = input.mime_type ?? guessMimeType(input.file_name, '') ?? 'application/octet-stream';
    const file = this.world.files.add('document', {
      bytes,
      size: declaredSize ?? bytes.length,
      fileName: input.file_name,
      mimeType,
    });
    return this.userMessage(
      userId,
      {
        document: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          file_name: input.file_name,
          mime_type: mimeType,
          file_size: file.size,
        },
        ...captionOf(input.caption),
        ...(input.mediaGroupId !== undefined ? { media_group_id: input.mediaGroupId } : {}),
      },
      input.replyTo,
    );
  }

  sendSticker(userId: number, input: StickerInput = {}): InjectResult {
    this.world.chatOfUser(userId);
    const file = this.world.files.add('sticker', { bytes: Buffer.alloc(256, 1), mimeType: 'image/webp' });
    return this.userMessage(
      userId,
      {
        sticker: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: input.emoji ?? '👍',
          file_size: file.size,
        },
      },
      input.replyTo,
    );
  }

  sendVoice(userId: number, input: VoiceInput = {}): InjectResult {
    this.world.chatOfUser(userId);
    const file = this.world.files.add('voice', { bytes: Buffer.alloc(2048, 2), mimeType: 'audio/ogg' });
    return this.userMessage(
      userId,
      {
        voice: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          duration: input.duration ?? 3,
          mime_type: 'audio/ogg',
          file_size: file.size,
        },
        ...captionOf(input.caption),
      },
      input.replyTo,
    );
  }

  sendVideo(userId: number, input: VideoInput = {}): InjectResult {
    this.world.chatOfUser(userId);
    const file = this.world.files.add('video', { bytes: Buffer.alloc(4096, 3), mimeType: 'video/mp4' });
    return this.userMessage(
      userId,
      {
        video: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          width: 640,
          height: 360,
          duration: input.duration ?? 5,
          mime_type: 'video/mp4',
          file_size: file.size,
        },
        ...captionOf(input.caption),
        ...(input.mediaGroupId !== undefined ? { media_group_id: input.mediaGroupId } : {}),
      },
      input.replyTo,
    );
  }

  sendVideoNote(userId: number, input: VideoNoteInput = {}): InjectResult {
    this.world.chatOfUser(userId);
    const file = this.world.files.add('video_note', { bytes: Buffer.alloc(4096, 4), mimeType: 'video/mp4' });
    return this.userMessage(
      userId,
      {
        video_note: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          length: 240,
          duration: input.duration ?? 5,
          file_size: file.size,
        },
      },
      input.replyTo,
    );
  }

  sendLocation(userId: number, input: LocationInput): InjectResult {
    const { latitude, longitude } = input;
    if (
      typeof latitude !== 'number' ||
      typeof longitude !== 'number' ||
      Math.abs(latitude) > 90 ||
      Math.abs(longitude) > 180
    ) {
      throw new ControlError('latitude (-90..90) and longitude (-180..180) are required numbers');
    }
    return this.userMessage(userId, { location: { latitude, longitude } }, input.replyTo);
  }

  /** The user edits one of their text messages: an `edited_message` update. */
  editText(userId: number, messageId: number, newText: string): InjectResult {
    const chat = this.world.chatOfUser(userId);
    const record = this.world.liveMessage(chat, messageId);
    if (record?.sender !== 'user') {
      throw new ControlError(`chat ${userId} has no message ${messageId} from the user`, 404);
    }
    if (record.message.text === undefined) throw new ControlError(`message ${messageId} has no text to edit`);
    const formatted = formatText(String(newText), undefined, undefined);
    if (formatted.text === '') throw new ControlError('text is empty');
    const { entities: _oldEntities, ...rest } = record.message;
    const next: Message = {
      ...rest,
      text: formatted.text,
      ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
      edit_date: this.world.unixNow(),
    };
    this.world.replaceMessage(chat, record, next);
    const editedMessage = this.world.apiMessage(record) as PrivateMessage & { edit_date: number };
    return { update_id: this.updates.enqueue({ edited_message: editedMessage }), message_id: messageId };
  }

  /** Presses an inline button; any data is accepted so tests can forge presses. */
  pressButton(userId: number, messageId: number, callbackData: string): InjectResult {
    const chat = this.world.chatOfUser(userId);
    const record = chat.messages.get(messageId);
    if (!record) throw new ControlError(`chat ${userId} has no message ${messageId}`, 404);
    if (typeof callbackData !== 'string') throw new ControlError('callback data must be a string');
    const id = this.world.newCallbackQuery({ userId, chatId: userId, messageId, data: callbackData });
    const message = record.deleted
      ? { chat: structuredClone(chat.chat), message_id: messageId, date: 0 as const }
      : this.world.apiMessage(record);
    const updateId = this.updates.enqueue({
      callback_query: {
        id,
        from: structuredClone(chat.user),
        message,
        chat_instance: `${userId}${this.world.bot.id}`,
        data: callbackData,
      },
    });
    return { update_id: updateId, message_id: messageId, callback_query_id: id };
  }

  /** Presses the callback button with this text on the given message, or on the latest bot message with buttons. */
  pressButtonByText(userId: number, messageId: number | undefined, buttonText: string): InjectResult {
    const chat = this.world.chatOfUser(userId);
    const record =
      messageId !== undefined ? this.world.liveMessage(chat, messageId) : latestBotMessageWithButtons(chat);
    if (!record) {
      throw new ControlError(
        messageId !== undefined
          ? `chat ${userId} has no message ${messageId}`
          : `chat ${userId} has no bot message with inline buttons`,
        404,
      );
    }
    const buttons: InlineKeyboardButton[] = record.message.reply_markup?.inline_keyboard.flat() ?? [];
    const button = buttons.find((candidate) => candidate.text === buttonText);
    if (!button) {
      const available = buttons.map((candidate) => JSON.stringify(candidate.text)).join(', ') || 'none';
      throw new ControlError(
        `message ${record.message.message_id} has no button ${JSON.stringify(buttonText)}; buttons: ${available}`,
        404,
      );
    }
    if (!('callback_data' in button) || typeof button.callback_data !== 'string') {
      throw new ControlError(`button ${JSON.stringify(buttonText)} is not a callback button`);
    }
    return this.pressButton(userId, record.message.message_id, button.callback_data);
  }

  /** Taps a button of the reply keyboard the bot shows; a contact request shares the user's own contact. */
  pressReplyButton(userId: number, text: string): InjectResult {
    const chat = this.world.chatOfUser(userId);
    const current = this.world.currentReplyKeyboard(chat);
    if (!current) throw new ControlError(`the bot shows no reply keyboard in chat ${userId}`, 404);
    const button = current.keyboard.keyboard
      .flat()
      .find((candidate) => keyboardButtonText(candidate) === text);
    if (button === undefined) {
      const available = current.keyboard.keyboard
        .flat()
        .map((candidate) => JSON.stringify(keyboardButtonText(candidate)))
        .join(', ');
      throw new ControlError(
        `the reply keyboard has no button ${JSON.stringify(text)}; buttons: ${available}`,
        404,
      );
    }
    if (typeof button === 'object' && 'request_contact' in button && button.request_contact) {
      return this.sendContact(userId, { phone_number: this.phoneNumberOf(userId) });
    }
    if (typeof button === 'object' && 'request_location' in button && button.request_location) {
      return this.sendLocation(userId, { latitude: 50.4501, longitude: 30.5234 });
    }
    if (typeof button === 'object' && Object.keys(button).some((key) => key.startsWith('request_'))) {
      throw new ControlError(`button ${JSON.stringify(text)} requests something the emulator cannot share`);
    }
    return this.sendText(userId, text);
  }

  /** Queues a raw update; a given update_id is kept (tests can deliver the same update twice). */
  injectUpdate(raw: RawUpdate): InjectResult {
    if (!isRecord(raw)) throw new ControlError('an update must be a JSON object');
    if (raw.update_id !== undefined && !Number.isSafeInteger(raw.update_id)) {
      throw new ControlError('update_id must be an integer');
    }
    const kinds = Object.keys(raw).filter((key) => key !== 'update_id');
    if (kinds.length !== 1 || !isRecord(raw[kinds[0] as keyof RawUpdate])) {
      throw new ControlError(
        'an update must have exactly one payload field (message, callback_query...) holding an object',
      );
    }
    const kind = updateKind(raw);
    const payload: unknown = kind ? raw[kind] : undefined;
    const result: InjectResult = { update_id: this.updates.enqueue(raw) };
    if (isRecord(payload) && typeof payload.message_id === 'number') result.message_id = payload.message_id;
    if (kind === 'callback_query' && isRecord(payload) && typeof payload.id === 'string') {
      result.callback_query_id = payload.id;
      // Let the bot answer a forged query like a real one.
      if (!this.world.callbackQueries.has(payload.id)) {
        const message = isRecord(payload.message) ? payload.message : undefined;
        this.world.callbackQueries.set(payload.id, {
          userId: isRecord(payload.from) && typeof payload.from.id === 'number' ? payload.from.id : 0,
          ...(message && isRecord(message.chat) && typeof message.chat.id === 'number'
            ? { chatId: message.chat.id }
            : {}),
          ...(message && typeof message.message_id === 'number' ? { messageId: message.message_id } : {}),
          ...(typeof payload.data === 'string' ? { data: payload.data } : {}),
          answered: false,
        });
      }
    }
    return result;
  }

  /** Blocks or unblocks the bot; like Telegram, the bot gets a `my_chat_member` update on a change. */
  setBlocked(userId: number, blocked: boolean): { update_id?: number } {
    const chat = this.world.chatOfUser(userId);
    if (chat.blocked === blocked) return {};
    chat.blocked = blocked;
    const bot = this.world.botAsUser();
    const update: ChatMemberUpdated = {
      chat: structuredClone(chat.chat),
      from: structuredClone(chat.user),
      date: this.world.unixNow(),
      old_chat_member: blocked
        ? { status: 'member', user: bot }
        : { status: 'kicked', user: bot, until_date: 0 },
      new_chat_member: blocked
        ? { status: 'kicked', user: bot, until_date: 0 }
        : { status: 'member', user: bot },
    };
    return { update_id: this.updates.enqueue({ my_chat_member: update }) };
  }

  reset(): void {
    this.phoneNumbers.clear();
  }

  private phoneNumberOf(userId: number): string {
    return this.phoneNumbers.get(userId) ?? `+38099${String(userId).slice(-7).padStart(7, '0')}`;
  }

  private userMessage(userId: number, content: MessageContent, replyToId: number | undefined): InjectResult {
    const chat = this.world.chatOfUser(userId);
    let replyTo: MessageRecord | undefined;
    if (replyToId !== undefined) {
      replyTo = this.world.liveMessage(chat, replyToId);
      if (!replyTo) throw new ControlError(`chat ${userId} has no message ${replyToId} to reply to`, 404);
    }
    const record = this.world.appendMessage(chat, 'user', { content, ...(replyTo ? { replyTo } : {}) });
    const message = this.world.apiMessage(record) as PrivateMessage;
    return { update_id: this.updates.enqueue({ message }), message_id: message.message_id };
  }
}

function captionOf(caption: string | undefined): Pick<Message, 'caption' | 'caption_entities'> {
  if (caption === undefined || caption === '') return {};
  const formatted = formatText(caption, undefined, undefined);
  return {
    caption: formatted.text,
    ...(formatted.entities.length > 0 ? { caption_entities: formatted.entities } : {}),
  };
}

function latestBotMessageWithButtons(chat: ChatRecord): MessageRecord | undefined {
  return [...chat.messages.values()]
    .reverse()
    .find(
      (record) => record.sender === 'bot' && !record.deleted && record.message.reply_markup !== undefined,
    );
}
