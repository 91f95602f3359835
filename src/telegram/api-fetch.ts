import type { Logger } from '../logger.js';
import { type SendClass, type SendSlots, waitForTurn } from './send-slots.js';

/** Bot API methods that put a message into a chat: the ones Telegram's flood limits count. */
const sendMethods = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendVideoNote',
  'sendAnimation',
  'sendSticker',
  'sendMediaGroup',
  'sendContact',
  'sendLocation',
  'sendVenue',
  'sendPoll',
  'sendDice',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
]);

/** Longest retry_after waited for; a longer one is handed to the caller as the 429 it is. */
const MAX_RETRY_AFTER_SECONDS = 60;
/** 429s in a row on one call before it is handed to the caller. */
const MAX_FLOOD_RETRIES = 5;

type Fetch = typeof globalThis.fetch;

export interface TelegramFetchOptions {
  /** The shared send budget; without it a send only honours retry_after. */
  slots?: SendSlots;
  /** Whose sends these are: a bot's replies are `interactive`. */
  sendClass?: SendClass;
  logger?: Logger;
  /** The real fetch (tests). */
  fetch?: Fetch;
}

function methodOf(input: Parameters<Fetch>[0]): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return url.slice(url.lastIndexOf('/') + 1).split('?')[0] ?? '';
}

/** grammY's JSON body of a send starts with its chat (`{ chat_id, … }` from the method's arguments). */
const LEADING_CHAT_ID = /^\{"chat_id":(-?\d{1,16})[,}]/;

/** The chat of a JSON send; undefined for a file upload (multipart) or a chat given by @username. */
function chatOf(body: unknown): number | undefined {
  if (typeof body !== 'string') return undefined;
  // Read off the front when it is there: parsing the whole body (text, keyboard) for it cost each send.
  const leading = LEADING_CHAT_ID.exec(body);
  if (leading) {
    const id = Number(leading[1]);
    if (Number.isSafeInteger(id)) return id;
  }
  try {
    const chatId = (JSON.parse(body) as { chat_id?: unknown }).chat_id;
    const id = typeof chatId === 'string' ? Number(chatId) : chatId;
    return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

async function retryAfterOf(response: Response): Promise<number> {
  try {
    const body = (await response.clone().json()) as { parameters?: { retry_after?: number } };
    return Math.max(1, Number(body.parameters?.retry_after) || 1);
  } catch {
    return 1;
  }
}

const sleep = (ms: number, signal: AbortSignal | null | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The `fetch` of a grammY client (`client: { fetch }`): every send takes its turn in the shared budget
 * (send-slots.ts) and a 429 is waited out for its retry_after, then sent again. It sits under everything
 * grammY does with the client — also under the conversations plugin, which builds its own Api from the
 * client options inside each dialogue and records each call's result in its replay log. So a dialogue
 * reply obeys the limits like any other, and a replayed step neither waits nor takes a turn again.
 * A file upload (multipart) cannot be sent twice from here: it takes no chat turn and its 429 goes back
 * to the caller.
 */
export function createTelegramFetch(options: TelegramFetchOptions = {}): Fetch {
  const realFetch = options.fetch ?? globalThis.fetch;
  const sendClass = options.sendClass ?? 'interactive';
  return async (input, init) => {
    const method = methodOf(input);
    const chatId = sendMethods.has(method) ? chatOf(init?.body) : undefined;
    const replayable = typeof init?.body === 'string' || init?.body === undefined;
    for (let attempt = 0; ; attempt += 1) {
      let turn: Awaited<ReturnType<typeof waitForTurn>> | undefined;
      if (chatId !== undefined && options.slots) {
        try {
          turn = await waitForTurn(options.slots, chatId, sendClass, { signal: init?.signal ?? undefined });
        } catch (error) {
          // Redis away: the reply goes without a turn rather than not at all; a 429 is still waited out.
          options.logger?.warn({ err: error, method }, 'send budget unavailable; sending without a turn');
        }
      }
      let response: Response;
      try {
        response = await realFetch(input, init);
      } catch (error) {
        await turn?.release().catch(() => undefined);
        throw error;
      }
      if (response.status !== 429) {
        await turn?.release().catch(() => undefined);
        return response;
      }
      const retryAfter = await retryAfterOf(response);
      await turn?.release(retryAfter * 1000).catch(() => undefined);
      options.logger?.warn({ method, retryAfter, attempt }, 'telegram asked to wait (429)');
      if (!replayable || attempt >= MAX_FLOOD_RETRIES || retryAfter > MAX_RETRY_AFTER_SECONDS)
        return response;
      await sleep(retryAfter * 1000, init?.signal);
      if (init?.signal?.aborted) return response;
    }
  };
}
