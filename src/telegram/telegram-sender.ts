import { Api, GrammyError, HttpError } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';

/** What became of one send, in the terms the delivery policy needs. */
export type SendOutcome =
  | { kind: 'sent'; messageId: number }
  /** 429: Telegram says when to come back. */
  | { kind: 'flood'; retryAfterMs: number; reason: string }
  /** 403: the user blocked the bot (or was deactivated); retrying cannot help. */
  | { kind: 'blocked'; reason: string }
  /** 400: the message itself is wrong (chat not found, bad markup); retrying cannot help. */
  | { kind: 'rejected'; reason: string }
  /** 5xx, network trouble, a timeout: worth retrying later. */
  | { kind: 'transient'; reason: string };

export interface TelegramSender {
  sendText(
    chatId: number,
    text: string,
    options?: { replyMarkup?: InlineKeyboardMarkup },
  ): Promise<SendOutcome>;
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
  };
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
