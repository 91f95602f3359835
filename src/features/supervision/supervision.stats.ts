import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { fieldFigures, fieldStatsText } from '../field/index.js';
import { consultationFigures, consultationStatsText } from '../psychologists/index.js';
import { coverageText } from './supervision.coverage.js';
import type { StatsPeriod } from './supervision.period.js';
import { categoryLabel, renderStats, splitMessages } from './supervision.render.js';
import type { RegisterFilters } from './supervision.repository.js';
import { type SupervisionViewer, viewDistrictIds } from './supervision.scope.js';
import { computeStats, districtNamesOf } from './supervision.usecases.js';

export interface StatsDeps {
  db: Db;
  t: Translate;
  timeZone: string;
}

/** The viewer's scope in words: the region or its districts, and the categories it is limited to. */
export async function scopeLabel({ db, t }: StatsDeps, viewer: SupervisionViewer) {
  const categories = viewer.scope.categories ?? [];
  const suffix =
    categories.length === 0
      ? ''
      : t('sup-scope-categories', { list: categories.map((c) => categoryLabel(t, c)).join(', ') });
  if (viewer.scope.regional) return t('sup-scope-region') + suffix;
  const names = await districtNamesOf(db, [...viewer.scope.districtIds]);
  return ([...names.values()].join(', ') || '—') + suffix;
}

/** A block after the last message when it fits, else a message of its own. */
function appendBlock(messages: string[], block: string) {
  const last = messages.length - 1;
  if (last >= 0 && messages[last]!.length + block.length < 4000)
    messages[last] = `${messages[last]}\n\n${block}`;
  else messages.push(block);
}

/**
 * /stats as the messages to send: the requests' figures of the period in the viewer's scope (filtered by
 * district and category), then the figures other features keep for the same districts and period: field
 * questionnaires, psychologists' consultations, support measures coverage.
 */
export async function statsMessages(
  deps: StatsDeps,
  viewer: SupervisionViewer,
  { period, filters }: { period: StatsPeriod; filters: RegisterFilters },
): Promise<string[]> {
  const { db, t } = deps;
  const stats = await computeStats(db, viewer.scope, period, filters);
  const district =
    filters.districtId === undefined
      ? undefined
      : (await districtNamesOf(db, [filters.districtId])).get(filters.districtId);
  const filterParts = [district, filters.category && categoryLabel(t, filters.category)].filter(Boolean);
  const messages = renderStats(t, stats, {
    timeZone: deps.timeZone,
    scopeLabel: await scopeLabel(deps, viewer),
    withCurators: viewer.role === 'supervisor',
    ...(filterParts.length > 0
      ? { filterLabel: t('sup-stats-filter', { filter: filterParts.join(' · ') }) }
      : {}),
  });
  // Figures other features keep, for the same districts and period.
  const figuresScope = {
    districtIds: viewDistrictIds(viewer.scope, filters.districtId) ?? ('all' as const),
    since: period.from,
    until: period.to,
  };
  // Field questionnaires (issue 16 §4): how many, and the needs they found (requests of any category).
  appendBlock(messages, fieldStatsText(t, await fieldFigures(db, figuresScope)));
  // Psychologists' consultations (issue 17): counts only; psychologists by name for supervisors.
  const consultations = await consultationFigures(db, figuresScope);
  appendBlock(
    messages,
    consultationStatsText(t, consultations, { withPsychologists: viewer.role === 'supervisor' }),
  );
  // Measures have no request category: an observer limited to some categories sees requests only.
  const coverage = viewer.scope.categories?.length
    ? []
    : [await coverageText(deps, viewer.scope, filters.districtId)];
  return splitMessages([...messages, ...coverage]);
}
