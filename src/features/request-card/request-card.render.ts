import { isOpenRequest, isWaitingToBeTaken } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';
import { type CardBlock, fitBlocks, splitText } from '../../telegram/message-limits.js';
import { formatRegionTime, regionTimePhrase } from '../../time.js';
import { readableDetails } from '../requests/index.js';
import type { CardAttachment, RequestCardData } from './request-card.repository.js';

export type { CardBlock };

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

/**
 * The deadline of the clock that runs now (as features/deadlines runs them): take-by while nobody has taken
 * the request, resolve-by while it is in work, none once it is closed; marked ⏰ when past it (a card handed
 * over late, /my, /overdue).
 */
function deadlineOf(t: Translate, timeZone: string, card: RequestCardData, now: Date): string[] {
  if (!isOpenRequest(card.status)) return [];
  const waiting = isWaitingToBeTaken(card.status);
  const deadline = waiting ? card.takeDeadlineAt : card.resolveDeadlineAt;
  return [
    t('delivery-request-card-deadline', {
      clock: waiting ? 'take' : 'resolve',
      overdue: deadline.getTime() < now.getTime() ? 'yes' : 'no',
      deadline: formatRegionTime(deadline, timeZone, 'ru'),
      regionTime: regionTimePhrase(t, timeZone),
    }),
  ];
}

/**
 * The head of a card: the crisis flag first, then number and category, district, family, and the deadline
 * of the clock that runs now (deadlineOf).
 */
export function cardHead(t: Translate, timeZone: string, card: RequestCardData, now = new Date()): string {
  const waiting = isWaitingToBeTaken(card.status);
  const head = t('delivery-request-card', {
    number: String(card.number),
    category: card.category,
    urgent: card.priority === 'urgent' ? 'yes' : 'no',
    // «Новая» only while nobody has taken it: a card in work, closed or shown by /my is just «Заявка».
    fresh: waiting ? 'yes' : 'no',
    district: card.district,
    family: card.applicant ?? t('delivery-family-unknown'),
  });
  const lines = [head, ...deadlineOf(t, timeZone, card, now)];
  return (isCrisis(card) ? [t('card-crisis'), ...lines] : lines).join('\n');
}

/** The family's answers as staff read them, or a line saying they cannot be shown (erased, unreadable). */
export function detailsBlock(t: Translate, card: Pick<RequestCardData, 'category' | 'details'>): CardBlock {
  const lines = readableDetails(card.category, card.details, t, { audience: 'staff' });
  return lines ? { title: t('card-details-title'), lines } : t('card-details-unreadable');
}

/** «🗓 Консультация психолога: …» — booked for when, held, missed or cancelled; never the notes. */
export function consultationLine(
  t: Translate,
  timeZone: string,
  card: Pick<RequestCardData, 'consultation'>,
): string[] {
  if (!card.consultation) return [];
  const { status, startsAt } = card.consultation;
  return [t('card-consultation', { status, moment: formatRegionTime(startsAt, timeZone, 'ru') })];
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
      ...(card.measure ? [t('card-from-measure', { title: card.measure })] : []),
      detailsBlock(t, card),
      ...files,
      ...consultationLine(t, timeZone, card),
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
  const body = lines.map(({ label, value }) => `${label}: ${value}`).join('\n\n');
  return splitText(`${title}\n\n${body}`);
}

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
    const answers = isOpenRequest(request.status)
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
