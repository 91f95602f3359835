import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import nodeFetch from 'node-fetch';
import { createLeanFetch } from './lean-fetch.js';

/** What became of one send, in the terms the delivery policy needs. */
export type SendOutcome =
  /** `messageIds`: every message the call made, in order (an album); `messageId` is the first. */
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

type AlbumItem = { type: 'photo' | 'video' | 'document' | 'audio'; fileId: string; caption?: string };

/**
 * What a notification becomes in a chat when it is more than one plain text: a text in parts (a long one
 * split at Telegram's 4096), a copy of a relayed message (copyMessage, with a labelled caption, or after a
 * label message where a caption is impossible), an album or a file by file id, or an edit of an earlier
 * copy that falls back to a marked correction when Telegram cannot edit it. `planSteps` turns it into
 * single Bot API calls, which the delivery worker sends one per send slot.
 */
export type OutgoingMessage =
  | {
      type: 'text';
      parts: string[];
      replyMarkup?: InlineKeyboardMarkup;
      replyTo?: number;
      /** Telegram's allow_paid_broadcast (an announcement, when ALLOW_PAID_BROADCAST is on). */
      allowPaidBroadcast?: boolean;
    }
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
      media: AlbumItem[];
      /** Sent as text messages before the album (a label too long for a caption). */
      before?: string[];
      replyTo?: number;
    }
  | {
      type: 'file';
      kind: RelayFileKind;
      fileId: string;
      caption?: string;
      replyMarkup?: InlineKeyboardMarkup;
      replyTo?: number;
      allowPaidBroadcast?: boolean;
    }
  | {
      type: 'edit';
      messageId: number;
      field: 'text' | 'caption';
      value: string;
      replyMarkup?: InlineKeyboardMarkup;
      /** Sent as a reply to the copy when Telegram refuses the edit. */
      correction: string;
    }
  | {
      /**
       * An earlier message taken back: its text (or, for a file, its caption) becomes `text` and its buttons
       * go. `deleteIfNoText`: a message whose text cannot be replaced (a photo, a video note, a message the
       * edit cannot reach) is deleted instead, which Telegram allows within 48 hours of sending; past them its
       * file is replaced by a blank one (a voice message or a video note cannot be: its caption is replaced).
       */
      type: 'retract';
      messageId: number;
      text: string;
      deleteIfNoText: boolean;
      /** Deleted first, the text replaced only when that fails (past 48 hours): the person's own messages. */
      deleteFirst?: boolean;
    };

/** One Bot API call (an edit falls back to a second call only when Telegram refuses the edit). */
export type SendStep =
  | {
      type: 'text';
      text: string;
      replyMarkup?: InlineKeyboardMarkup;
      replyTo?: number;
      allowPaidBroadcast?: boolean;
    }
  | Omit<Extract<OutgoingMessage, { type: 'copy' }>, 'before'>
  | { type: 'album'; media: AlbumItem[]; replyTo?: number }
  | Extract<OutgoingMessage, { type: 'file' }>
  | Extract<OutgoingMessage, { type: 'edit' }>
  | Extract<OutgoingMessage, { type: 'retract' }>;

/**
 * A step of a message and whether the ids it yields are the message's own (a copy's label sent before it
 * is only its heading: a reply threads on the copy).
 */
export interface PlannedStep {
  step: SendStep;
  counts: boolean;
}

/** Labels sent as messages before a copy or an album: the first one threads where the copy would. */
function labelSteps(labels: string[] | undefined, replyTo: number | undefined): PlannedStep[] {
  return (labels ?? []).map((text, index) => ({
    step: { type: 'text', text, ...(index === 0 && replyTo !== undefined ? { replyTo } : {}) },
    counts: false,
  }));
}

/** The single calls an outgoing message is made of, in order. */
export function planSteps(content: OutgoingMessage): PlannedStep[] {
  switch (content.type) {
    case 'text':
      return content.parts.map((text, index) => ({
        step: {
          type: 'text',
          text,
          ...(index === 0 && content.replyTo !== undefined ? { replyTo: content.replyTo } : {}),
          ...(index === content.parts.length - 1 && content.replyMarkup
            ? { replyMarkup: content.replyMarkup }
            : {}),
          ...(content.allowPaidBroadcast ? { allowPaidBroadcast: true } : {}),
        },
        counts: true,
      }));
    case 'copy': {
      const { before, ...copy } = content;
      const labels = labelSteps(before, content.replyTo);
      const { replyTo: _threadedByLabel, ...unthreaded } = copy;
      return [...labels, { step: labels.length > 0 ? unthreaded : copy, counts: true }];
    }
    case 'album': {
      const labels = labelSteps(content.before, content.replyTo);
      return [
        ...labels,
        {
          step: {
            type: 'album',
            media: content.media,
            ...(labels.length === 0 && content.replyTo !== undefined ? { replyTo: content.replyTo } : {}),
          },
          counts: true,
        },
      ];
    }
    case 'file':
    case 'edit':
    case 'retract':
      return [{ step: content, counts: true }];
  }
}

export interface TelegramSender {
  sendText(
    chatId: number,
    text: string,
    options?: { replyMarkup?: InlineKeyboardMarkup },
  ): Promise<SendOutcome>;
  /** One step of a relayed message, a file or an edit; optional so that a text-only fake sender stays enough. */
  sendStep?(chatId: number, step: SendStep): Promise<SendOutcome>;
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
    // Each JSON call one keep-alive `http.request`; file uploads through node-fetch (lean-fetch.ts).
    fetch: createLeanFetch(nodeFetch),
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
    async sendStep(chatId, step) {
      try {
        const messageIds = await sendOneStep(api, chatId, step);
        return { kind: 'sent', messageId: messageIds[0]!, messageIds };
      } catch (error) {
        return classifySendError(error);
      }
    },
  };
}

const paid = (step: { allowPaidBroadcast?: boolean }) =>
  step.allowPaidBroadcast ? { allow_paid_broadcast: true } : {};

const replyTo = (messageId: number | undefined) =>
  messageId === undefined
    ? {}
    : { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } };

/** Sends a file by its Telegram file id (a card's attachment, or a copy whose original was deleted). */
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

/** One Bot API call; returns the ids of the messages it made, in order (an album makes several). */
async function sendOneStep(api: Api, chatId: number, step: SendStep): Promise<number[]> {
  switch (step.type) {
    case 'text': {
      const sent = await api.sendMessage(chatId, step.text, {
        link_preview_options: { is_disabled: true },
        ...paid(step),
        ...replyTo(step.replyTo),
        ...(step.replyMarkup ? { reply_markup: step.replyMarkup } : {}),
      });
      return [sent.message_id];
    }
    case 'copy': {
      const options = {
        ...(step.replyMarkup ? { reply_markup: step.replyMarkup } : {}),
        ...replyTo(step.replyTo),
      };
      try {
        const copy = await api.copyMessage(chatId, step.fromChatId, step.messageId, {
          ...(step.caption !== undefined ? { caption: step.caption } : {}),
          ...options,
        });
        return [copy.message_id];
      } catch (error) {
        const gone =
          error instanceof GrammyError && error.error_code === 400 && /not found/i.test(error.description);
        if (!gone || !step.fallback) throw error;
        return [await sendFile(api, chatId, step.fallback, step.caption, options)];
      }
    }
    case 'album': {
      const sent = await api.sendMediaGroup(
        chatId,
        step.media.map((item) => ({
          type: item.type,
          media: item.fileId,
          ...(item.caption ? { caption: item.caption } : {}),
        })) as Parameters<Api['sendMediaGroup']>[1],
        replyTo(step.replyTo),
      );
      return sent.map((message) => message.message_id);
    }
    case 'file':
      return [
        await sendFile(api, chatId, step, undefined, {
          ...paid(step),
          ...(step.replyMarkup ? { reply_markup: step.replyMarkup } : {}),
          ...replyTo(step.replyTo),
        }),
      ];
    case 'retract':
      await retract(api, chatId, step);
      return [step.messageId];
    case 'edit': {
      try {
        const markup = step.replyMarkup ? { reply_markup: step.replyMarkup } : {};
        if (step.field === 'text') {
          await api.editMessageText(chatId, step.messageId, step.value, {
            link_preview_options: { is_disabled: true },
            ...markup,
          });
        } else {
          await api.editMessageCaption(chatId, step.messageId, { caption: step.value, ...markup });
        }
        return [step.messageId];
      } catch (error) {
        if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
        if (error.description.includes('message is not modified')) return [step.messageId];
        // Too old to edit, deleted, or no such field: say it as a correction under the copy.
        const sent = await api.sendMessage(chatId, step.correction, {
          link_preview_options: { is_disabled: true },
          ...replyTo(step.messageId),
        });
        return [sent.message_id];
      }
    }
  }
}

/** Telegram refused this call for this message (400), as opposed to a limit, a block or a fault. */
const refused = (error: unknown) => error instanceof GrammyError && error.error_code === 400;
const notModified = (error: unknown) =>
  error instanceof GrammyError && error.description.includes('message is not modified');

/**
 * A blank light-grey picture, 320×180 (PNG): what a photo or video taken back past Telegram's 48 hours
 * shows instead of the family's file.
 */
const BLANK_PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAUAAAAC0CAIAAABqhmJGAAABk0lEQVR42u3TQQkAAAwDsfrXOdhjJqajEIiCg8vsAaUiARgYMDBgYDAwYGDAwICBwcCAgQEDg4EBAwMGBgwMBgYMDBgYMDAYGDAwYGAwMGBgwMCAgcHAgIEBAwMGBgMDBgYMDAYGDAwYGDAwGBgwMGBgMLAKYGDAwICBwcCAgQEDAwYGAwMGBgwMBgYMDBgYMDAYGDAwYGDAwGBgwMCAgcHAgIEBAwMGBgMDBgYMDBgYDAwYGDAwGBgwMGBgwMBgYMDAgIHBwICBAQMDBgYDAwYGDAwYGAwMGBgwMBgYMDBgYMDAYGDAwICBAQODgQEDAwYGAwMGBgwMGBgMDBgYMDBgYDAwYGDAwGBgwMCAgQEDg4EBAwMGBgMDBgYMDBgYDAwYGDAwYGAwMGBgwMBgYMDAgIEBA4OBAQMDBgYMDAYGDAwYGAwMGBgwMGBgMDBgYMDAYGAVwMCAgQEDg4EBAwMGBgwMBgYMDBgYDAwYGDAwYGAwMGBgwMCAgcHAgIEBA4OBAQMDBgYMDAYGDAwYGDAwdHuD+Rm/Gz6+RAAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A file taken back past Telegram's 48 hours, when it can no longer be deleted: replaced by a blank picture,
 * or (in an album of documents, where only a document may replace one) by a text file saying the same.
 * Telegram cannot replace a voice message, a video note, or an audio in an album of audios: false, and the
 * caller replaces the caption alone.
 */
async function replaceFile(api: Api, chatId: number, step: Extract<SendStep, { type: 'retract' }>) {
  const replacements = [
    { type: 'photo' as const, media: new InputFile(BLANK_PICTURE, 'removed.png'), caption: step.text },
    {
      type: 'document' as const,
      media: new InputFile(Buffer.from(`${step.text}\n`, 'utf8'), 'removed.txt'),
      caption: step.text,
    },
  ];
  for (const media of replacements) {
    try {
      await api.editMessageMedia(chatId, step.messageId, media);
      return true;
    } catch (error) {
      if (notModified(error)) return true;
      if (!refused(error)) throw error;
    }
  }
  return false;
}

/**
 * Takes a message back (OutgoingMessage `retract`): the text replaced; failing that (no text: a file), the
 * message deleted when asked; past 48 hours its file replaced by a blank one (replaceFile); else, or when
 * neither works, the caption replaced.
 * Throws the last refusal when nothing worked.
 */
async function retract(api: Api, chatId: number, step: Extract<SendStep, { type: 'retract' }>) {
  const options = { link_preview_options: { is_disabled: true } };
  if (step.deleteFirst) {
    try {
      await api.deleteMessage(chatId, step.messageId);
      return;
    } catch (error) {
      if (!refused(error)) throw error;
    }
  }
  try {
    await api.editMessageText(chatId, step.messageId, step.text, options);
    return;
  } catch (error) {
    if (notModified(error)) return;
    if (!refused(error)) throw error;
  }
  if (step.deleteIfNoText && !step.deleteFirst) {
    try {
      await api.deleteMessage(chatId, step.messageId);
      return;
    } catch (error) {
      if (!refused(error)) throw error;
    }
    // Past Telegram's 48 hours: the file itself replaced by a blank one, the text as its caption.
    if (await replaceFile(api, chatId, step)) return;
  }
  try {
    await api.editMessageCaption(chatId, step.messageId, { caption: step.text });
  } catch (error) {
    if (!notModified(error)) throw error;
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
