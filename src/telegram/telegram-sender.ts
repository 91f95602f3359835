import { Api, GrammyError, HttpError } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';

/** What became of one send, in the terms the delivery policy needs. */
export type SendOutcome =
  /** `messageIds`: every message sent, in order (an album, a long text in parts); `messageId` is the first. */
  | { kind: 'sent'; messageId: number; messageIds?: number[] }
  /** 429: Telegram says when to come back. */
  | { kind: 'flood'; retryAfterMs: number; reason: string }
  /** 403: the user blocked the bot (or was deactivated); retrying cannot help. */
  | { kind: 'blocked'; reason: string }
  /** 400: the message itself is wrong (chat not found, bad markup); retrying cannot help. */
  | { kind: 'rejected'; reason: string }
  /** 5xx, network trouble, a timeout: worth retrying later. */
  | { kind: 'transient'; reason: string };

export type RelayFileKind = 'photo' | 'document' | 'voice' | 'video' | 'video_note' | 'audio';

/**
 * What a relayed message becomes in the other chat (issue 5): a text in parts (a long one split at
 * Telegram's 4096), a copy of the original (copyMessage, with a labelled caption, or after a label message
 * where a caption is impossible), an album by file ids, or an edit of an earlier copy that falls back to a
 * marked correction when Telegram cannot edit it.
 */
export type OutgoingMessage =
  | { type: 'text'; parts: string[]; replyMarkup?: InlineKeyboardMarkup; replyTo?: number }
  | {
      type: 'copy';
      fromChatId: number;
      messageId: number;
      /** Replaces the caption; '' removes it. Undefined keeps the original's. */
      caption?: string;
      /** Sent as text messages before the copy (a label where no caption fits). */
      before?: string[];
      replyMarkup?: InlineKeyboardMarkup;
      replyTo?: number;
      /** The file to send instead when the original is gone (deleted by its sender): copies keep working. */
      fallback?: { kind: RelayFileKind; fileId: string; caption?: string };
    }
  | {
      type: 'album';
      media: Array<{ type: 'photo' | 'video' | 'document' | 'audio'; fileId: string; caption?: string }>;
      /** Sent as text messages before the album (a label too long for a caption). */
      before?: string[];
      replyTo?: number;
    }
  | {
      type: 'edit';
      messageId: number;
      field: 'text' | 'caption';
      value: string;
      replyMarkup?: InlineKeyboardMarkup;
      /** Sent as a reply to the copy when Telegram refuses the edit. */
      correction: string;
    };

export interface TelegramSender {
  sendText(
    chatId: number,
    text: string,
    options?: { replyMarkup?: InlineKeyboardMarkup },
  ): Promise<SendOutcome>;
  /** Relayed messages (copies, albums, edits); optional so that a text-only fake sender stays enough. */
  sendContent?(chatId: number, content: OutgoingMessage): Promise<SendOutcome>;
}

/**
 * Sends through grammY's plain `Api` — deliberately without auto-retry: the delivery worker owns the retry
 * policy (limits shared through Redis, attempts counted in PostgreSQL).
 */
export function createTelegramSender(options: {
  token: string;
  apiRoot: string;
  timeoutSeconds?: number;
}): TelegramSender {
  const api = new Api(options.token, {
    apiRoot: options.apiRoot,
    timeoutSeconds: options.timeoutSeconds ?? 10,
  });
  return {
    async sendText(chatId, text, sendOptions = {}) {
      try {
        const message = await api.sendMessage(chatId, text, {
          link_preview_options: { is_disabled: true },
          reply_markup: sendOptions.replyMarkup,
        });
        return { kind: 'sent', messageId: message.message_id };
      } catch (error) {
        return classifySendError(error);
      }
    },
    async sendContent(chatId, content) {
      try {
        return { kind: 'sent', ...(await sendOutgoing(api, chatId, content)) };
      } catch (error) {
        return classifySendError(error);
      }
    },
  };
}

const replyTo = (messageId: number | undefined) =>
  messageId === undefined
    ? {}
    : { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } };

/** Sends a file by its Telegram file id (a relayed message whose original was deleted before the copy). */
async function sendFile(
  api: Api,
  chatId: number,
  file: { kind: RelayFileKind; fileId: string; caption?: string },
  caption: string | undefined,
  options: Record<string, unknown>,
): Promise<number> {
  const text = caption ?? file.caption;
  const withCaption = text ? { ...options, caption: text } : options;
  switch (file.kind) {
    case 'photo':
      return (await api.sendPhoto(chatId, file.fileId, withCaption)).message_id;
    case 'document':
      return (await api.sendDocument(chatId, file.fileId, withCaption)).message_id;
    case 'voice':
      return (await api.sendVoice(chatId, file.fileId, withCaption)).message_id;
    case 'video':
      return (await api.sendVideo(chatId, file.fileId, withCaption)).message_id;
    case 'audio':
      return (await api.sendAudio(chatId, file.fileId, withCaption)).message_id;
    case 'video_note':
      return (await api.sendVideoNote(chatId, file.fileId, options)).message_id;
  }
}

async function sendOutgoing(
  api: Api,
  chatId: number,
  content: OutgoingMessage,
): Promise<{ messageId: number; messageIds: number[] }> {
  const ids: number[] = [];
  const done = () => ({ messageId: ids[0]!, messageIds: ids });
  switch (content.type) {
    case 'text': {
      for (const [index, part] of content.parts.entries()) {
        const last = index === content.parts.length - 1;
        const sent = await api.sendMessage(chatId, part, {
          link_preview_options: { is_disabled: true },
          ...(index === 0 ? replyTo(content.replyTo) : {}),
          ...(last && content.replyMarkup ? { reply_markup: content.replyMarkup } : {}),
        });
        ids.push(sent.message_id);
      }
      return done();
    }
    case 'copy': {
      let first: number | undefined;
      for (const text of content.before ?? []) {
        const sent = await api.sendMessage(chatId, text, {
          link_preview_options: { is_disabled: true },
          ...(first === undefined ? replyTo(content.replyTo) : {}),
        });
        first ??= sent.message_id;
      }
      const options = {
        ...(content.replyMarkup ? { reply_markup: content.replyMarkup } : {}),
        ...(first === undefined ? replyTo(content.replyTo) : {}),
      };
      try {
        const copy = await api.copyMessage(chatId, content.fromChatId, content.messageId, {
          ...(content.caption !== undefined ? { caption: content.caption } : {}),
          ...options,
        });
        // The copy itself is what a reply threads on; a label sent before it is only its heading.
        ids.push(copy.message_id);
      } catch (error) {
        const gone =
          error instanceof GrammyError && error.error_code === 400 && /not found/i.test(error.description);
        if (!gone || !content.fallback) throw error;
        ids.push(await sendFile(api, chatId, content.fallback, content.caption, options));
      }
      return done();
    }
    case 'album': {
      let first: number | undefined;
      for (const text of content.before ?? []) {
        const label = await api.sendMessage(chatId, text, {
          link_preview_options: { is_disabled: true },
          ...(first === undefined ? replyTo(content.replyTo) : {}),
        });
        first ??= label.message_id;
      }
      const sent = await api.sendMediaGroup(
        chatId,
        content.media.map((item) => ({
          type: item.type,
          media: item.fileId,
          ...(item.caption ? { caption: item.caption } : {}),
        })) as Parameters<Api['sendMediaGroup']>[1],
        first === undefined ? replyTo(content.replyTo) : {},
      );
      ids.push(...sent.map((message) => message.message_id));
      return done();
    }
    case 'edit': {
      try {
        const markup = content.replyMarkup ? { reply_markup: content.replyMarkup } : {};
        if (content.field === 'text') {
          await api.editMessageText(chatId, content.messageId, content.value, {
            link_preview_options: { is_disabled: true },
            ...markup,
          });
        } else {
          await api.editMessageCaption(chatId, content.messageId, { caption: content.value, ...markup });
        }
        ids.push(content.messageId);
        return done();
      } catch (error) {
        if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
        if (error.description.includes('message is not modified')) {
          ids.push(content.messageId);
          return done();
        }
        // Too old to edit, deleted, or no such field: say it as a correction under the copy.
        const sent = await api.sendMessage(chatId, content.correction, {
          link_preview_options: { is_disabled: true },
          ...replyTo(content.messageId),
        });
        ids.push(sent.message_id);
        return done();
      }
    }
  }
}

export function classifySendError(error: unknown): SendOutcome {
  if (error instanceof GrammyError) {
    const reason = `${error.error_code}: ${error.description}`;
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return { kind: 'flood', retryAfterMs: Math.max(1, seconds) * 1000, reason };
    }
    if (error.error_code === 403) return { kind: 'blocked', reason };
    if (error.error_code === 400) return { kind: 'rejected', reason };
    return { kind: 'transient', reason };
  }
  if (error instanceof HttpError) return { kind: 'transient', reason: `network: ${error.message}` };
  return { kind: 'transient', reason: error instanceof Error ? error.message : String(error) };
}
