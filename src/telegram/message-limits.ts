/** Telegram's limits on what one message can carry (Bot API: sendMessage text, media captions). */
export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/**
 * Splits a text into Telegram-sized parts, as a Telegram client does: at a line break or a space near the
 * limit where there is one, losing nothing (the break itself is dropped between parts).
 */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const newline = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    // Prefer a line break, then a space, when one is in the second half of the window; else cut hard.
    const at = newline > limit / 2 ? newline : space > limit / 2 ? space : -1;
    if (at === -1) {
      // Never between the two halves of a surrogate pair (an emoji).
      const hard = /[\uD800-\uDBFF]/.test(rest[limit - 1] ?? '') ? limit - 1 : limit;
      parts.push(rest.slice(0, hard));
      rest = rest.slice(hard);
    } else {
      parts.push(rest.slice(0, at));
      rest = rest.slice(at + 1);
    }
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/**
 * The start of `value`, at most `max` characters with the «…» that says it goes on, cut at a space when
 * one is near the end. Unchanged when it fits.
 */
export function shorten(value: string, max: number): string {
  if (value.length <= max) return value;
  const room = Math.max(1, max - 1);
  const head = value.slice(0, room);
  const space = head.lastIndexOf(' ');
  const cut = space > room * 0.8 ? head.slice(0, space) : head;
  return `${cut.trimEnd()}…`;
}

/**
 * Fitting a message made of blocks — fixed text, and answers («Label: value» lines) that may be shortened —
 * into Telegram's limit, saying so whenever anything is left out (features/request-card, «Мои заявки»).
 */
const SEPARATOR = '\n\n';
/** No answer is shortened below this (a stub of a few words would not say what was asked). */
const MIN_VALUE_LENGTH = 40;

/** Answers as one block of a message: a title, then «Label: value» lines. */
export interface DetailsBlock {
  title?: string;
  lines: Array<{ label: string; value: string }>;
}

/** A block of a message: fixed text, or answers that may be shortened to fit. */
export type CardBlock = string | DetailsBlock;

const detailsText = (block: DetailsBlock, cap: number | undefined) =>
  [
    ...(block.title ? [block.title] : []),
    ...block.lines.map(({ label, value }) => `${label}: ${cap === undefined ? value : shorten(value, cap)}`),
  ].join('\n');

/**
 * Joins the blocks into one message of at most `limit` characters. When the answers take more than
 * `detailsBudget`, or the whole does not fit, the longest answers are shortened first (all to one cap, so
 * short answers stay whole) and `note` is put under the last answers. Only when even that cannot fit (a
 * very long history) is the message cut at a line, again with `note` — never without saying so.
 */
export function fitBlocks(
  blocks: CardBlock[],
  options: { note: string; detailsBudget?: number; limit?: number },
): { text: string; shortened: boolean } {
  const limit = options.limit ?? TEXT_LIMIT;
  const budget = options.detailsBudget ?? Number.POSITIVE_INFINITY;
  const render = (cap: number | undefined, note?: string) => {
    const lastDetails = blocks.findLastIndex((block) => typeof block !== 'string');
    return blocks
      .flatMap((block, index) => {
        const text = typeof block === 'string' ? block : detailsText(block, cap);
        return note !== undefined && index === lastDetails ? [text, note] : [text];
      })
      .filter((text) => text.length > 0)
      .join(SEPARATOR);
  };
  const values = blocks.flatMap((block) =>
    typeof block === 'string' ? [] : block.lines.map((line) => line.value.length),
  );
  const valuesLength = values.reduce((sum, length) => sum + length, 0);
  const whole = render(undefined);
  if (whole.length <= limit && valuesLength <= budget) return { text: whole, shortened: false };

  const noteRoom = options.note.length + SEPARATOR.length;
  const room = Math.min(budget, limit - (whole.length - valuesLength) - noteRoom);
  const fits = (cap: number) => values.reduce((sum, length) => sum + Math.min(length, cap), 0) <= room;
  // The largest cap under which the answers fit: the longest answers give way first, short ones stay whole.
  let low = MIN_VALUE_LENGTH;
  let high = Math.max(MIN_VALUE_LENGTH, ...values);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const text = render(low, options.note);
  if (text.length <= limit) return { text, shortened: true };
  return { text: cutAtLine(text, limit, options.note), shortened: true };
}

/** The last resort: the message up to a line that fits, «…», and the note. */
function cutAtLine(text: string, limit: number, note: string): string {
  const room = limit - note.length - SEPARATOR.length - 2;
  const head = text.slice(0, room);
  const line = head.lastIndexOf('\n');
  return `${line > room / 2 ? head.slice(0, line) : head}\n…${SEPARATOR}${note}`;
}
