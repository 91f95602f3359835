import type { Language } from '../../db/schema/enums.js';
import type { Request } from '../../db/schema/requests.js';
import type { Translate } from '../../i18n.js';
import { type CardBlock, fitBlocks } from '../../telegram/message-limits.js';
import { formatRegionTime } from '../../time.js';
import { categoryLabel, readableDetails } from './requests.render.js';
import type { RequestsRepository } from './requests.repository.js';

/** The texts of «Мои заявки»: the list and a request's card with its history and the curator's messages. */

const HISTORY_SHOWN = 12;
const MESSAGES_SHOWN = 5;
const MESSAGE_PREVIEW = 300;

export function listText(
  t: Translate,
  items: { number: number; category: Request['category']; status: Request['status']; createdAt: Date }[],
  page: number,
  pages: number,
  format: (date: Date) => string,
): string {
  if (items.length === 0) return t('req-list-empty');
  const lines = items.map((item) =>
    t('req-list-line', {
      number: String(item.number),
      category: categoryLabel(t, item.category),
      status: t(`req-status-${item.status}`),
      date: format(item.createdAt),
    }),
  );
  return `${t('req-list-title', { page: page + 1, pages })}\n\n${lines.join('\n')}`;
}

type HistoryEvent = Awaited<ReturnType<RequestsRepository['events']>>[number];
type CuratorMessage = Awaited<ReturnType<RequestsRepository['curatorMessages']>>[number];

/**
 * Whether the family's history lists an event: what happened to their request, not the service's own
 * workings — a curator opening the family card, a deadline reminder to the curator, a notice that did not
 * reach a staff member (the request's next «передана куратору» line says where it went).
 */
function concernsFamily(event: HistoryEvent): boolean {
  if (event.type === 'family_card_viewed' || event.type === 'delivery_failed') return false;
  return !(event.type === 'escalated' && (event.data as { level?: unknown }).level === 'reminder');
}

function eventLine(t: Translate, event: HistoryEvent, when: string): string {
  const data = event.data as { to?: unknown; rating?: unknown };
  const status = typeof data.to === 'string' ? t(`req-status-${data.to}`) : '';
  return t('req-history-line', {
    when,
    what: t(`req-event-${event.type}`, {
      staff: event.staffName ?? '',
      hasStaff: event.staffName ? 'yes' : 'no',
      status,
      rating: typeof data.rating === 'number' ? data.rating : 0,
      from: event.actorKind ?? 'system',
    }),
  });
}

function messageLine(t: Translate, message: CuratorMessage, when: string): string {
  const body =
    message.kind === 'text' && message.text
      ? message.text.length > MESSAGE_PREVIEW
        ? `${message.text.slice(0, MESSAGE_PREVIEW)}…`
        : message.text
      : t('req-message-media', { kind: message.kind });
  return t('req-message-line', { when, who: message.staffName ?? t('req-message-curator'), body });
}

/** The card of one request, shown only after the request was checked to belong to the presser's family. */
export function cardText(
  t: Translate,
  language: Language,
  timeZone: string,
  request: Request,
  extras: {
    events: HistoryEvent[];
    messages: CuratorMessage[];
    attachments: number;
    curatorName: string | undefined;
  },
): string {
  const format = (date: Date) => formatRegionTime(date, timeZone, language);
  // Details of an older shape (or erased by a consent withdrawal) must not hide the rest of the card.
  const lines = readableDetails(request.category, request.details, t, { language });
  const details: CardBlock = lines ? { lines } : t('req-card-details-unreadable');
  const history = extras.events
    .filter(concernsFamily)
    .slice(-HISTORY_SHOWN)
    .map((event) => eventLine(t, event, format(event.createdAt)));
  const messages = extras.messages
    .slice(-MESSAGES_SHOWN)
    .map((message) => messageLine(t, message, format(message.createdAt)));
  const parts: CardBlock[] = [
    t('req-card-title', {
      number: String(request.number),
      category: categoryLabel(t, request.category),
      urgent: request.priority === 'urgent' ? 'yes' : 'no',
    }),
    t('req-card-status', { status: t(`req-status-${request.status}`), created: format(request.createdAt) }),
    extras.curatorName ? t('req-card-curator', { curator: extras.curatorName }) : '',
    details,
    extras.attachments > 0 ? t('req-card-attachments', { count: extras.attachments }) : '',
    request.rating ? t('req-card-rating', { rating: request.rating }) : '',
    `${t('req-card-history')}\n${history.join('\n')}`,
    messages.length > 0 ? `${t('req-card-messages')}\n${messages.join('\n')}` : '',
  ].filter((part) => part !== '');
  // Within Telegram's limit: the longest answers give way first, and the card says so.
  return fitBlocks(parts, { note: t('req-card-shortened') }).text;
}
