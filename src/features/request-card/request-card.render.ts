import { formatDateTime } from '../../bot/format.js';
import type { Translate } from '../../i18n.js';
import { shorten, splitText, TEXT_LIMIT } from '../../telegram/message-limits.js';
import { type DetailLine, readableDetails } from '../requests/requests.render.js';
import type { CardAttachment, RequestCardData } from './request-card.repository.js';

/**
 * The request as staff read it — on the card delivery sends, on «Открыть», on /my and /overdue, and in the
 * family card's request list: the head (number, category, the crisis flag on top, district, family,
 * take-by time), every answer of the family in the order asked (requests.render.ts, the one renderer of
 * details), the files, and whatever the view adds (status, history). Every message stays within Telegram's
 * 4,096 characters: long answers are shortened with «…» and a note that says so («Показать полностью»
 * gives the whole); nothing is ever cut without saying so.
 */

/** Most characters the answers take on a card: a long comment fits whole, three long answers do not. */
export const CARD_DETAILS_BUDGET = 2000;
/** The family card's open requests share less: the passport and the members come first there. */
export const FAMILY_CARD_DETAILS_BUDGET = 1500;
/** No answer is shortened below this (a stub of a few words would not say what the family asked). */
const MIN_VALUE_LENGTH = 40;
const SEPARATOR = '\n\n';

/** The family's answers as one block of a message: a title, then «Label: value» lines. */
export interface DetailsBlock {
  title?: string;
  lines: DetailLine[];
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

/** «1 фото, 2 документа»: what the family attached, by kind. */
export function filesSummary(t: Translate, files: Pick<CardAttachment, 'kind'>[]): string {
  const count = (kinds: string[]) => files.filter((file) => kinds.includes(file.kind)).length;
  const parts = [
    ['card-files-photos', count(['photo'])],
    ['card-files-videos', count(['video', 'video_note'])],
    ['card-files-documents', count(['document'])],
    ['card-files-other', count(['voice', 'audio'])],
  ] as const;
  return parts
    .filter(([, n]) => n > 0)
    .map(([key, n]) => t(key, { count: n }))
    .join(', ');
}

export const isCrisis = (card: Pick<RequestCardData, 'category' | 'priority'>) =>
  card.category === 'psychologist' && card.priority === 'urgent';

/** The head of a card: the crisis flag first, then number and category, district, family, take-by time. */
export function cardHead(t: Translate, timeZone: string, card: RequestCardData): string {
  const head = t('delivery-request-card', {
    number: String(card.number),
    category: card.category,
    urgent: card.priority === 'urgent' ? 'yes' : 'no',
    district: card.district,
    family: card.applicant ?? t('delivery-family-unknown'),
    deadline: formatDateTime(card.takeDeadlineAt, timeZone, 'ru'),
    timeZone,
  });
  return isCrisis(card) ? `${t('card-crisis')}\n${head}` : head;
}

/** The family's answers as staff read them, or a line saying they cannot be shown (erased, unreadable). */
export function detailsBlock(t: Translate, card: Pick<RequestCardData, 'category' | 'details'>): CardBlock {
  const lines = readableDetails(card.category, card.details, t, { audience: 'staff' });
  return lines ? { title: t('card-details-title'), lines } : t('card-details-unreadable');
}

export interface CardFrame {
  /** A notice above the card («Вам передали заявку…»). */
  before?: string;
  /** Blocks under the card: who took it, the status, deadlines, history. */
  after?: string[];
}

/**
 * The whole card within Telegram's limit. `filesFollow`: the card's files are sent as replies to it (the
 * card delivery sends, the one shown by /my or «Открыть»), so the card says where they are.
 */
export function renderRequestCard(
  t: Translate,
  timeZone: string,
  card: RequestCardData,
  frame: CardFrame = {},
  options: { filesFollow?: boolean } = {},
): { text: string; shortened: boolean } {
  const files =
    card.files.length === 0
      ? []
      : [
          t('card-files', {
            files: filesSummary(t, card.files),
            follow: options.filesFollow === false ? 'no' : 'yes',
          }),
        ];
  return fitBlocks(
    [
      ...(frame.before ? [frame.before] : []),
      cardHead(t, timeZone, card),
      detailsBlock(t, card),
      ...files,
      ...(frame.after ?? []),
    ],
    { note: t('card-shortened'), detailsBudget: CARD_DETAILS_BUDGET },
  );
}

/**
 * «Показать полностью»: every answer whole, in messages of at most 4,096 characters split at a line
 * break or a space (a long answer may go on in the next message; nothing is left out).
 */
export function fullDetailsMessages(
  t: Translate,
  card: Pick<RequestCardData, 'number' | 'category' | 'details'>,
): string[] {
  const lines = readableDetails(card.category, card.details, t, { audience: 'staff' });
  const title = t('card-full-title', { number: String(card.number), category: card.category });
  if (!lines) return [`${title}\n\n${t('card-details-unreadable')}`];
  const body = lines.map(({ label, value }) => `${label}: ${value}`).join(SEPARATOR);
  return splitText(`${title}${SEPARATOR}${body}`);
}

const openStatuses = new Set<string>(['new', 'assigned', 'in_progress', 'waiting_family']);

/**
 * The family card's request list: a line per request, and under each open one the family's answers (a
 * closed one is opened by its button under the card). For `fitBlocks` with the rest of the family card.
 */
export function familyRequestBlocks(
  t: Translate,
  requests: Array<Pick<RequestCardData, 'number' | 'category' | 'status' | 'details'>>,
  options: { title: string; empty?: string },
): CardBlock[] {
  if (requests.length === 0) return [[options.title, ...(options.empty ? [options.empty] : [])].join('\n')];
  const blocks: CardBlock[] = [options.title];
  let closed: string[] = [];
  for (const request of requests) {
    const line = t('cur-family-card-request', {
      number: String(request.number),
      category: t('delivery-category', { category: request.category }),
      status: request.status,
    });
    const answers = openStatuses.has(request.status)
      ? readableDetails(request.category, request.details, t, { audience: 'staff' })
      : undefined;
    if (!answers) {
      closed.push(line);
      continue;
    }
    if (closed.length > 0) blocks.push(closed.join('\n'));
    closed = [];
    blocks.push({ title: line, lines: answers });
  }
  if (closed.length > 0) blocks.push(closed.join('\n'));
  return blocks;
}
