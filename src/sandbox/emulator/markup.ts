/** Validation of the JSON-typed parameters of sends: reply markup, entities, reply parameters. */
import type { InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, MessageEntity } from 'grammy/types';
import { badRequest } from './errors.js';
import { isRecord } from './params.js';
import type { NonInlineMarkup } from './world.js';

export interface ParsedMarkup {
  /** Shown under the message and echoed in it. */
  inline?: InlineKeyboardMarkup;
  /** Changes the user's keyboard; not part of the message Telegram returns. */
  other?: NonInlineMarkup;
}

const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

const MAX_CALLBACK_DATA_BYTES = 64;

export function parseReplyMarkup(value: unknown): ParsedMarkup {
  if (value === undefined || value === null || value === '') return {};
  if (!isRecord(value)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ('inline_keyboard' in value) {
    const inline = parseInlineKeyboard(value.inline_keyboard);
    return inline ? { inline } : {};
  }
  if ('keyboard' in value) {
    if (!Array.isArray(value.keyboard) || !value.keyboard.every(Array.isArray)) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of value.keyboard as unknown[][]) {
      for (const button of row) {
        const text = typeof button === 'string' ? button : isRecord(button) ? button.text : undefined;
        if (typeof text !== 'string' || text === '') throw badRequest('keyboard button text is empty');
      }
    }
    return { other: stripNulls<unknown>(value) as NonInlineMarkup };
  }
  if (value.remove_keyboard === true || value.force_reply === true) {
    return { other: stripNulls<unknown>(value) as NonInlineMarkup };
  }
  throw badRequest("can't parse reply keyboard markup JSON object");
}

/** Edits accept only inline keyboards; none given removes the keyboard. */
export function parseInlineMarkupForEdit(value: unknown): InlineKeyboardMarkup | undefined {
  const markup = parseReplyMarkup(value);
  if (markup.other) throw badRequest('inline keyboard expected');
  return markup.inline;
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardMarkup | undefined {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const keyboard: InlineKeyboardButton[][] = [];
  for (const row of rows as unknown[][]) {
    if (row.length === 0) continue;
    keyboard.push(row.map(parseInlineButton));
  }
  // Telegram shows no keyboard for an empty one, and returns the message without reply_markup.
  return keyboard.length > 0 ? { inline_keyboard: keyboard } : undefined;
}

function parseInlineButton(button: unknown): InlineKeyboardButton {
  if (!isRecord(button) || typeof button.text !== 'string') {
    throw badRequest("can't parse inline keyboard button: Text must be non-empty");
  }
  const actions = INLINE_BUTTON_ACTIONS.filter(
    (action) => button[action] !== undefined && button[action] !== null,
  );
  if (actions.length === 0) throw badRequest('text buttons are unallowed in the inline keyboard');
  if (button.text === '') throw badRequest("can't parse inline keyboard button: Text must be non-empty");
  if (button.callback_data !== undefined && button.callback_data !== null) {
    const data = button.callback_data;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : 0;
    if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (typeof button.url === 'string' && !/^(https?|tg):\/\/\S+$/i.test(button.url)) {
    throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`);
  }
  return stripNulls<unknown>(button) as InlineKeyboardButton;
}

/** The text a reply keyboard button sends, and what it requests. */
export function keyboardButtonText(button: KeyboardButton): string {
  return typeof button === 'string' ? button : button.text;
}

export function parseEntities(value: unknown, name: string): MessageEntity[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const valid =
    Array.isArray(value) &&
    value.every(
      (entity) =>
        isRecord(entity) &&
        typeof entity.type === 'string' &&
        Number.isInteger(entity.offset) &&
        Number.isInteger(entity.length),
    );
  if (!valid) throw badRequest(`can't parse ${name} JSON object`);
  return value as MessageEntity[];
}

/** JSON without null members, the way Telegram echoes objects back. */
export function stripNulls<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, member: unknown) => member ?? undefined)) as T;
}

/** Deep equality of JSON-like values regardless of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined && value[key] !== null)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
