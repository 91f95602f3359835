import type { DbOrTx } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import {
  consultationCounts,
  type FiguresScope,
  medianToFirstConsultation,
  waitingNow,
} from './psychologists.repository.js';

interface Counts {
  booked: number;
  held: number;
  noShow: number;
  cancelled: number;
}

const empty = (): Counts => ({ booked: 0, held: 0, noShow: 0, cancelled: 0 });
const keyOf: Record<string, keyof Counts> = {
  booked: 'booked',
  held: 'held',
  no_show: 'noShow',
  cancelled: 'cancelled',
};

/**
 * `/stats` figures of consultations (issue 17): booked, held, missed and cancelled per psychologist and per
 * district, the median time from a request to its first consultation, and the waiting list now. Counts
 * only, never what was said.
 */
export async function consultationFigures(db: DbOrTx, scope: FiguresScope) {
  const rows = await consultationCounts(db, scope);
  const total = empty();
  const byPsychologist = new Map<string, Counts>();
  const byDistrict = new Map<string, Counts>();
  for (const row of rows) {
    const key = keyOf[row.status];
    if (!key) continue;
    for (const counts of [
      total,
      byPsychologist.get(row.psychologist) ??
        byPsychologist.set(row.psychologist, empty()).get(row.psychologist)!,
      byDistrict.get(row.district) ?? byDistrict.set(row.district, empty()).get(row.district)!,
    ]) {
      counts[key] += Number(row.count);
    }
  }
  return {
    total,
    byPsychologist: [...byPsychologist.entries()].sort(([a], [b]) => a.localeCompare(b, 'ru')),
    byDistrict: [...byDistrict.entries()].sort(([a], [b]) => a.localeCompare(b, 'ru')),
    medianSeconds: await medianToFirstConsultation(db, scope),
    waiting: await waitingNow(db, scope.districtIds),
  };
}

type Figures = Awaited<ReturnType<typeof consultationFigures>>;

/** The block /stats shows; psychologists by name for supervisors only (observers: counts by district). */
export function consultationStatsText(
  t: Translate,
  figures: Figures,
  options: { withPsychologists: boolean },
) {
  const line = (name: string, counts: Counts) => `${name}: ${t('psy-stats-counts', { ...counts })}`;
  const hours = figures.medianSeconds === null ? null : Math.round(figures.medianSeconds / 360) / 10;
  const blocks = [
    t('psy-stats-title'),
    t('psy-stats-counts', { ...figures.total }),
    t('psy-stats-median', { hours: hours ?? 'none' }),
    t('psy-stats-waiting', { count: figures.waiting }),
  ];
  if (figures.byDistrict.length > 0) {
    blocks.push(
      t('psy-stats-by-district'),
      ...figures.byDistrict.map(([name, counts]) => line(name, counts)),
    );
  }
  if (options.withPsychologists && figures.byPsychologist.length > 0) {
    blocks.push(
      t('psy-stats-by-psychologist'),
      ...figures.byPsychologist.map(([name, counts]) => line(name, counts)),
    );
  }
  return blocks.join('\n');
}
