import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { formatRegionDate } from '../../time.js';
import { SILENT_LIST_DAYS, silentFamilies } from '../check-ins/index.js';
import { splitMessages } from './supervision.render.js';
import { type SupervisionScope, viewDistrictIds } from './supervision.scope.js';
import { districtNamesOf } from './supervision.usecases.js';

/** Families listed by /silent in full; the rest are counted. */
const SHOWN = 30;

/**
 * /silent: families of the viewer's scope (or of the district named) without contact for more than 30
 * days, longest silence first, each with the date of last contact and its curator.
 */
export async function silentText(
  deps: { db: Db; t: Translate; timeZone: string },
  scope: SupervisionScope,
  districtId: number | undefined,
): Promise<string[]> {
  const { db, t } = deps;
  const silent = await silentFamilies(db, viewDistrictIds(scope, districtId));
  if (silent.length === 0) return [t('ci-silent-none', { days: SILENT_LIST_DAYS })];
  const names = await districtNamesOf(db, [...new Set(silent.map((family) => family.districtId))]);
  const lines = silent.slice(0, SHOWN).map((family) =>
    t('ci-silent-line', {
      name: family.name ?? '—',
      district: names.get(family.districtId) ?? '—',
      last: family.lastContactAt
        ? formatRegionDate(family.lastContactAt, deps.timeZone)
        : t('ci-silent-never'),
      curator: family.curatorName ?? '—',
    }),
  );
  const more = silent.length > SHOWN ? [t('ci-silent-more', { count: silent.length - SHOWN })] : [];
  const title = t('ci-silent-title', { days: SILENT_LIST_DAYS, count: silent.length });
  return splitMessages([[title, ...lines].join('\n'), ...more, t('ci-silent-next')]);
}
