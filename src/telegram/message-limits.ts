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
