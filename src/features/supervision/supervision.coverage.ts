import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { regionDate } from '../../time.js';
import { measuresCoverage } from '../support-measures/index.js';
import { formatShare } from './supervision.render.js';
import { type SupervisionScope, viewDistrictIds } from './supervision.scope.js';
import { districtNamesOf } from './supervision.usecases.js';

/**
 * /stats's last block: per district of the viewer's scope (or the one district asked for), of the support
 * measures families are eligible for today, how many they receive. A state of today, not of the period.
 */
export async function coverageText(
  deps: { db: Db; t: Translate; timeZone: string },
  scope: SupervisionScope,
  districtId: number | undefined,
): Promise<string> {
  const { db, t } = deps;
  const rows = await measuresCoverage(
    db,
    viewDistrictIds(scope, districtId),
    regionDate(new Date(), deps.timeZone),
  );
  const names = await districtNamesOf(
    db,
    rows.map((row) => row.districtId),
  );
  const lines = rows.map((row) =>
    t('sup-coverage-line', {
      district: names.get(row.districtId) ?? '—',
      share: formatShare(t, row.received, row.eligible),
      families: row.families,
    }),
  );
  return [t('sup-coverage-title'), ...(lines.length > 0 ? lines : [t('sup-coverage-none')])].join('\n');
}
