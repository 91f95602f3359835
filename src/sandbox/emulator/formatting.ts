/**
 * Turns a formatted text (parse_mode HTML, MarkdownV2 or Markdown) into plain text plus entities the way
 * Telegram does, including its "can't parse entities" errors, so a bot that sends broken markup fails in
 * tests as it would in production. Also detects the entities Telegram finds on its own (bot commands,
 * mentions, hashtags, links, e-mails): grammY's `bot.command()` relies on the `bot_command` entity.
 */
import type { MessageEntity } from 'grammy/types';
import { badRequest, type TelegramApiError } from './errors.js';

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** Parses `text` according to `parseMode`; explicit `entities` win over `parseMode` like in Telegram. */
export function formatText(
  text: string,
  parseMode: string | undefined,
  explicitEntities: MessageEntity[] | undefined,
): FormattedText {
  let parsed: FormattedText;
  if (explicitEntities !== undefined) parsed = { text, entities: explicitEntities };
  else if (parseMode === undefined || parseMode === '') parsed = { text, entities: [] };
  else {
    const mode = parseMode.toLowerCase();
    if (mode === 'html') parsed = parseHtml(text);
    else if (mode === 'markdownv2') parsed = parseMarkdownV2(text);
    else if (mode === 'markdown') parsed = parseLegacyMarkdown(text);
    else throw badRequest(`unsupported parse_mode`);
  }
  const trimmed = trimWithEntities(parsed);
  return { text: trimmed.text, entities: sortEntities(addDetectedEntities(trimmed)) };
}

const parseError = (reason: string): TelegramApiError => badRequest(`can't parse entities: ${reason}`);

const byteOffset = (source: string, index: number): number => Buffer.byteLength(source.slice(0, index));

function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities
    .filter((entity) => entity.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Telegram strips leading and trailing whitespace from messages; entity offsets move with the text. */
function trimWithEntities({ text, entities }: FormattedText): FormattedText {
  const leading = text.length - text.trimStart().length;
  const trimmed = text.trim();
  if (trimmed.length === text.length) return { text, entities };
  const shifted: MessageEntity[] = [];
  for (const entity of entities) {
    const start = Math.max(0, entity.offset - leading);
    const end = Math.min(trimmed.length, entity.offset + entity.length - leading);
    if (end > start) shifted.push({ ...entity, offset: start, length: end - start });
  }
  return { text: trimmed, entities: shifted };
}

// --- entities Telegram detects by itself ---------------------------------------------------------------

const DETECTORS: ReadonlyArray<{
  type: 'bot_command' | 'mention' | 'hashtag' | 'url' | 'email';
  pattern: RegExp;
}> = [
  { type: 'bot_command', pattern: /(?<=^|\s)\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])/g },
  {
    type: 'email',
    pattern: /(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])/g,
  },
  { type: 'mention', pattern: /(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?!\w)/g },
  { type: 'hashtag', pattern: /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu },
  { type: 'url', pattern: /(?<![\w@/])https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/g },
];

export function detectEntities(text: string): MessageEntity[] {
  return addDetectedEntities({ text, entities: [] });
}

function addDetectedEntities({ text, entities }: FormattedText): MessageEntity[] {
  const result = [...entities];
  const overlaps = (offset: number, length: number): boolean =>
    result.some((entity) => offset < entity.offset + entity.length && entity.offset < offset + length);
  for (const { type, pattern } of DETECTORS) {
    for (const match of text.matchAll(pattern)) {
      const offset = match.index;
      const length = match[0].length;
      if (!overlaps(offset, length)) result.push({ type, offset, length });
    }
  }
  return result;
}

// --- HTML ----------------------------------------------------------------------------------------------

/** An entity before its position is known. */
type EntityTemplate = MessageEntity extends infer Entity
  ? Entity extends MessageEntity
    ? Omit<Entity, 'offset' | 'length'>
    : never
  : never;

interface OpenTag {
  tag: string;
  offset: number;
  entity: EntityTemplate | undefined;
}

const HTML_NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function parseHtml(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === '&') {
      const match = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/.exec(source.slice(i, i + 12));
      if (match) {
        if (match[1] !== undefined) text += HTML_NAMED_ENTITIES[match[1]] ?? '';
        else text += String.fromCodePoint(Number.parseInt(match[2] ?? match[3] ?? '0', match[2] ? 10 : 16));
        i += match[0].length;
      } else {
        text += char;
        i += 1;
      }
      continue;
    }
    if (char !== '<') {
      text += char;
      i += 1;
      continue;
    }
    const tagEnd = source.indexOf('>', i);
    if (tagEnd < 0) throw parseError(`Can't find end of the tag at byte offset ${byteOffset(source, i)}`);
    const rawTag = source.slice(i + 1, tagEnd);
    if (rawTag.startsWith('/')) {
      const name = rawTag.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw parseError(`Unexpected end tag at byte offset ${byteOffset(source, i)}`);
      if (name !== '' && name !== open.tag) {
        throw parseError(
          `Unmatched end tag at byte offset ${byteOffset(source, i)}, expected "</${open.tag}>", found "</${name}>"`,
        );
      }
      closeHtmlTag(open, text.length, entities);
    } else {
      stack.push(openHtmlTag(rawTag, text.length, stack, byteOffset(source, i)));
    }
    i = tagEnd + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return { text, entities };
}

function openHtmlTag(rawTag: string, offset: number, stack: OpenTag[], sourceByteOffset: number): OpenTag {
  const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(rawTag);
  const tag = (nameMatch?.[1] ?? '').toLowerCase();
  const attributes = new Map<string, string>();
  for (const match of rawTag
    .slice(tag.length)
    .matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g)) {
    attributes.set((match[1] ?? '').toLowerCase(), unescapeHtml(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  const simple: Readonly<Record<string, MessageEntity['type']>> = {
    b: 'bold',
    strong: 'bold',
    i: 'italic',
    em: 'italic',
    u: 'underline',
    ins: 'underline',
    s: 'strikethrough',
    strike: 'strikethrough',
    del: 'strikethrough',
    'tg-spoiler': 'spoiler',
    code: 'code',
    pre: 'pre',
  };
  const simpleType = simple[tag];
  if (simpleType === 'code' && stack.at(-1)?.tag === 'pre') {
    // <pre><code class="language-x"> gives the enclosing pre entity its language instead of a code entity.
    const language = /^language-(.+)$/.exec(attributes.get('class') ?? '')?.[1];
    const pre = stack.at(-1);
    if (pre && language) pre.entity = { type: 'pre', language };
    return { tag, offset, entity: undefined };
  }
  if (simpleType) return { tag, offset, entity: { type: simpleType } as OpenTag['entity'] };
  if (tag === 'span') {
    if (attributes.get('class') !== 'tg-spoiler') throw parseError('Tag "span" must have class "tg-spoiler"');
    return { tag, offset, entity: { type: 'spoiler' } };
  }
  if (tag === 'a') {
    const url = attributes.get('href') ?? '';
    return { tag, offset, entity: url ? { type: 'text_link', url } : undefined };
  }
  if (tag === 'blockquote') {
    return {
      tag,
      offset,
      entity: { type: attributes.has('expandable') ? 'expandable_blockquote' : 'blockquote' },
    };
  }
  if (tag === 'tg-emoji') {
    const customEmojiId = attributes.get('emoji-id');
    if (!customEmojiId) throw parseError('Tag "tg-emoji" must have attribute "emoji-id"');
    return { tag, offset, entity: { type: 'custom_emoji', custom_emoji_id: customEmojiId } };
  }
  throw parseError(`Unsupported start tag "${tag}" at byte offset ${sourceByteOffset}`);
}

function closeHtmlTag(open: OpenTag, end: number, entities: MessageEntity[]): void {
  if (!open.entity || end <= open.offset) return;
  entities.push({ ...open.entity, offset: open.offset, length: end - open.offset } as MessageEntity);
}

function unescapeHtml(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => HTML_NAMED_ENTITIES[name] ?? '');
}

// --- MarkdownV2 ----------------------------------------------------------------------------------------

type MarkdownMarker = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'link';

const MARKER_NAMES: Readonly<Record<MarkdownMarker, string>> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  link: 'TextUrl',
};

const MARKDOWN_V2_RESERVED = '_*[]()~`>#+-=|{}.!\\';

/** Where a MarkdownV2 parse is: the text and entities so far, the markers still open, the source index. */
interface MarkdownParse {
  source: string;
  text: string;
  entities: MessageEntity[];
  open: Array<{ marker: MarkdownMarker; offset: number; sourceIndex: number }>;
  i: number;
}

function parseMarkdownV2(source: string): FormattedText {
  const state: MarkdownParse = { source, text: '', entities: [], open: [], i: 0 };
  let quoteStart: number | undefined;
  while (state.i < source.length) {
    const i = state.i;
    const char = source[i] ?? '';
    const atLineStart = i === 0 || source[i - 1] === '\n';
    if (atLineStart && quoteStart !== undefined && char !== '>') {
      closeQuote(state.text, quoteStart, state.entities);
      quoteStart = undefined;
    }
    if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw parseError(reservedMessage('\\'));
      state.text += next;
      state.i += 2;
    } else if (atLineStart && char === '>') {
      quoteStart ??= state.text.length;
      state.i += 1;
    } else if (char === '*') toggle(state, 'bold', 1);
    else if (char === '_') {
      if (source[i + 1] === '_') toggle(state, 'underline', 2);
      else toggle(state, 'italic', 1);
    } else if (char === '~') toggle(state, 'strikethrough', 1);
    else if (char === '|' && source[i + 1] === '|') toggle(state, 'spoiler', 2);
    else if (char === '[') {
      state.open.push({ marker: 'link', offset: state.text.length, sourceIndex: i });
      state.i += 1;
    } else if (char === ']' && state.open.at(-1)?.marker === 'link' && source[i + 1] === '(')
      closeLink(state);
    else if (char === '`') readCode(state);
    else if (char === '!' && source[i + 1] === '[') {
      state.i += 1; // custom emoji: the '[' that follows opens the link it is read from
    } else if (MARKDOWN_V2_RESERVED.includes(char)) {
      throw parseError(reservedMessage(char));
    } else {
      state.text += char;
      state.i += 1;
    }
  }
  if (quoteStart !== undefined) closeQuote(state.text, quoteStart, state.entities);
  const unclosed = state.open.at(-1);
  if (unclosed) {
    throw parseError(
      `Can't find end of ${MARKER_NAMES[unclosed.marker]} entity at byte offset ${byteOffset(source, unclosed.sourceIndex)}`,
    );
  }
  return { text: state.text, entities: state.entities };
}

/** A marker closes the innermost open one of its kind (an entity, unless empty), or opens a new one. */
function toggle(state: MarkdownParse, marker: MarkdownMarker, width: number): void {
  const { open, text } = state;
  const index = open.findLastIndex((item) => item.marker === marker);
  if (index >= 0) {
    const [item] = open.splice(index, 1);
    if (item && text.length > item.offset) {
      state.entities.push({ type: marker as 'bold', offset: item.offset, length: text.length - item.offset });
    }
  } else {
    open.push({ marker, offset: text.length, sourceIndex: state.i });
  }
  state.i += width;
}

/** `](url)`: the open link becomes a text link, or a custom emoji when it was `![…](tg://emoji?id=…)`. */
function closeLink(state: MarkdownParse): void {
  const { source, text } = state;
  const link = state.open.pop();
  const { value: url, next } = readUntilUnescaped(source, state.i + 2, ')');
  if (next < 0) throw parseError(`Can't find end of a URL at byte offset ${byteOffset(source, state.i + 1)}`);
  if (link && text.length > link.offset) {
    const isEmoji = source[link.sourceIndex - 1] === '!' && url.startsWith('tg://emoji?id=');
    state.entities.push(
      isEmoji
        ? {
            type: 'custom_emoji',
            offset: link.offset,
            length: text.length - link.offset,
            custom_emoji_id: url.slice(14),
          }
        : { type: 'text_link', offset: link.offset, length: text.length - link.offset, url },
    );
  }
  state.i = next;
}

/** `` `code` `` or ```` ```language\npre``` ````: read as it is, up to the closing backticks. */
function readCode(state: MarkdownParse): void {
  const { source, i } = state;
  const isPre = source.startsWith('```', i);
  const start = i + (isPre ? 3 : 1);
  const { value, next } = readUntilUnescaped(source, start, isPre ? '```' : '`');
  if (next < 0) {
    throw parseError(
      `Can't find end of ${isPre ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, i)}`,
    );
  }
  let content = value;
  let language: string | undefined;
  if (isPre) {
    const firstLine = /^([^\s`]+)\n/.exec(content);
    if (firstLine) {
      language = firstLine[1];
      content = content.slice(firstLine[0].length);
    } else if (content.startsWith('\n')) content = content.slice(1);
  }
  const offset = state.text.length;
  if (content.length > 0) {
    state.entities.push(
      isPre
        ? { type: 'pre', offset, length: content.length, ...(language ? { language } : {}) }
        : { type: 'code', offset, length: content.length },
    );
  }
  state.text += content;
  state.i = next;
}

function closeQuote(text: string, start: number, entities: MessageEntity[]): void {
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  if (end > start) entities.push({ type: 'blockquote', offset: start, length: end - start });
}

const reservedMessage = (char: string): string =>
  `Character '${char}' is reserved and must be escaped with the preceding '\\'`;

/** Reads until `terminator`, honouring backslash escapes; `next` is the index after it, or -1. */
function readUntilUnescaped(
  source: string,
  start: number,
  terminator: string,
): { value: string; next: number } {
  let value = '';
  let i = start;
  while (i < source.length) {
    if (source[i] === '\\' && i + 1 < source.length) {
      value += source[i + 1];
      i += 2;
    } else if (source.startsWith(terminator, i)) {
      return { value, next: i + terminator.length };
    } else {
      value += source[i];
      i += 1;
    }
  }
  return { value, next: -1 };
}

// --- legacy Markdown -----------------------------------------------------------------------------------

function parseLegacyMarkdown(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  const unclosed = (at: number): TelegramApiError =>
    parseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, at)}`);
  while (i < source.length) {
    const char = source[i] ?? '';
    if (char === '\\' && '_*`['.includes(source[i + 1] ?? ' ')) {
      text += source[i + 1];
      i += 2;
    } else if (char === '*' || char === '_') {
      const end = source.indexOf(char, i + 1);
      if (end < 0) throw unclosed(i);
      const content = source.slice(i + 1, end);
      entities.push({ type: char === '*' ? 'bold' : 'italic', offset: text.length, length: content.length });
      text += content;
      i = end + 1;
    } else if (char === '`') {
      const isPre = source.startsWith('```', i);
      const marker = isPre ? '```' : '`';
      const end = source.indexOf(marker, i + marker.length);
      if (end < 0) throw unclosed(i);
      const content = source.slice(i + marker.length, end);
      entities.push({ type: isPre ? 'pre' : 'code', offset: text.length, length: content.length });
      text += content;
      i = end + marker.length;
    } else if (char === '[') {
      const close = source.indexOf('](', i + 1);
      const urlEnd = close < 0 ? -1 : source.indexOf(')', close + 2);
      if (urlEnd < 0) throw unclosed(i);
      const label = source.slice(i + 1, close);
      entities.push({
        type: 'text_link',
        offset: text.length,
        length: label.length,
        url: source.slice(close + 2, urlEnd),
      });
      text += label;
      i = urlEnd + 1;
    } else {
      text += char;
      i += 1;
    }
  }
  return { text, entities };
}
