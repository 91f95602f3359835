import { type RequestStatus, requestStatuses } from '../../db/schema/enums.js';
import type { Translate } from '../../i18n.js';
import { formatRegionTime } from '../../time.js';
import { periodLabel } from './supervision.period.js';
import type { FigureRow } from './supervision.repository.js';
import type { Stats } from './supervision.types.js';

/** Telegram's limit is 4096 characters a message; leave room. */
const MESSAGE_LIMIT = 3900;

/** `2 д 3 ч`, `1 ч 20 мин`, `5 мин`; `—` when there is nothing to measure. */
export function formatDuration(t: Translate, seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const minutes = Math.max(0, Math.round(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(t('sup-unit-days', { n: days }));
  if (hours > 0) parts.push(t('sup-unit-hours', { n: hours }));
  if (days === 0 && (rest > 0 || parts.length === 0)) parts.push(t('sup-unit-minutes', { n: rest }));
  return parts.join(' ');
}

/** `75% (6 из 8)`, or `—` when nothing was due yet. */
export function formatShare(t: Translate, part: number, whole: number): string {
  if (whole === 0) return '—';
  return t('sup-share', { percent: Math.round((100 * part) / whole), part, whole });
}

/** Built once: a formatter costs far more to make than to use. */
const ratingFormat = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 1 });

export function formatRating(rating: number | null): string {
  return rating === null ? '—' : ratingFormat.format(rating);
}

function figuresLine(t: Translate, name: string, f: FigureRow) {
  return t('sup-stats-line', {
    name,
    created: f.created,
    taken: formatShare(t, f.takenInTime, f.takeDue),
    resolved: formatShare(t, f.resolvedInTime, f.resolveDue),
    medianTake: formatDuration(t, f.medianTakeSeconds),
    medianResolve: formatDuration(t, f.medianResolveSeconds),
    rating: formatRating(f.averageRating),
  });
}

export const statusLabel = (t: Translate, status: RequestStatus) => t('sup-status', { status });
export const categoryLabel = (t: Translate, category: string) => t('delivery-category', { category });

/**
 * `/stats` as a few blocks of text: totals, statuses, then by district, category and (for supervisors)
 * curator. Split into messages under Telegram's limit.
 */
export function renderStats(
  t: Translate,
  stats: Stats,
  options: { timeZone: string; scopeLabel: string; withCurators: boolean; filterLabel?: string },
): string[] {
  const f = stats.total;
  const blocks: string[] = [
    [
      t('sup-stats-title', { period: periodLabel(stats.period, options.timeZone) }),
      t('sup-stats-scope', { scope: options.scopeLabel }),
      ...(options.filterLabel ? [options.filterLabel] : []),
      t('sup-stats-created', { count: f.created }),
      t('sup-stats-taken-in-time', { share: formatShare(t, f.takenInTime, f.takeDue) }),
      t('sup-stats-resolved-in-time', { share: formatShare(t, f.resolvedInTime, f.resolveDue) }),
      t('sup-stats-median-take', { duration: formatDuration(t, f.medianTakeSeconds) }),
      t('sup-stats-median-resolve', { duration: formatDuration(t, f.medianResolveSeconds) }),
      t('sup-stats-rating', { rating: formatRating(f.averageRating), count: f.ratings }),
      t('sup-stats-by-status', {
        list:
          requestStatuses
            .filter((status) => stats.byStatus[status] > 0)
            .map((status) => `${statusLabel(t, status)} ${stats.byStatus[status]}`)
            .join(' · ') || '—',
      }),
    ].join('\n'),
  ];
  if (stats.byDistrict.length > 0) {
    blocks.push(
      [
        t('sup-stats-by-district'),
        ...stats.byDistrict.map((row) => figuresLine(t, row.name, row.figures)),
      ].join('\n'),
    );
  }
  if (stats.byCategory.length > 0) {
    blocks.push(
      [
        t('sup-stats-by-category'),
        ...stats.byCategory.map((row) => figuresLine(t, categoryLabel(t, row.category), row.figures)),
      ].join('\n'),
    );
  }
  if (options.withCurators && stats.byCurator.length > 0) {
    blocks.push(
      [
        t('sup-stats-by-curator'),
        ...stats.byCurator.map((row) => figuresLine(t, row.name ?? t('sup-no-curator'), row.figures)),
      ].join('\n'),
    );
  }
  if (f.created === 0) blocks.push(t('sup-stats-empty'));
  return splitMessages(blocks);
}

/** Joins blocks into as few messages as fit, splitting a block by lines when it alone is too long. */
export function splitMessages(blocks: string[], limit = MESSAGE_LIMIT): string[] {
  const messages: string[] = [];
  let current = '';
  const push = (piece: string, separator: string) => {
    if (current === '') current = piece;
    else if (current.length + separator.length + piece.length <= limit) current += separator + piece;
    else {
      messages.push(current);
      current = piece;
    }
  };
  for (const block of blocks) {
    if (block.length <= limit) push(block, '\n\n');
    else for (const line of block.split('\n')) push(line.slice(0, limit), '\n');
  }
  if (current !== '') messages.push(current);
  return messages;
}

/** One line of /overdue: number, category, district, which clock and how late, who has it. */
export function overdueLine(
  t: Translate,
  row: {
    number: number;
    category: string;
    priority: string;
    district: string;
    curator: string | null;
    clock: 'take' | 'resolve';
    deadline: Date;
  },
  now: Date,
) {
  return t('sup-overdue-line', {
    number: String(row.number),
    urgent: row.priority === 'urgent' ? 'yes' : 'no',
    category: categoryLabel(t, row.category),
    district: row.district,
    clock: row.clock,
    late: formatDuration(t, (now.getTime() - row.deadline.getTime()) / 1000),
    curator: row.curator ?? t('sup-no-curator'),
  });
}

export function deadlineLine(t: Translate, timeZone: string, resolveBy: Date) {
  return t('sup-card-deadlines', { resolve: formatRegionTime(resolveBy, timeZone) });
}
