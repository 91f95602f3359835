import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { regionDate } from '../../time.js';
import { authoriseRequestAction } from '../access/index.js';
import { fullDetailsMessages, requestCardText } from '../request-card/index.js';
import {
  computeStats,
  districtNamesOf,
  reassignmentChoices,
  type StatsPeriod,
  type SupervisionViewer,
  viewDistrictIds,
} from '../supervision/index.js';
import { measuresCoverage } from '../support-measures/index.js';
import { createMonitoringRepository } from './monitoring.repository.js';

/**
 * Everything the Overview page shows for a viewer's scope, a period and an optional district: the
 * supervision figures (in time, medians, rating), requests per day by category, open requests by status per
 * district, overdue right now, open requests per curator (supervisors only: names of staff) and families.
 */
export async function overview(
  db: Db,
  viewer: SupervisionViewer,
  query: { period: StatsPeriod; districtId?: number; timeZone: string; now?: Date },
) {
  const now = query.now ?? new Date();
  const { scope } = viewer;
  const repository = createMonitoringRepository({ db });
  const filters = query.districtId === undefined ? {} : { districtId: query.districtId };
  const [stats, perDay, open, familiesRows] = await Promise.all([
    computeStats(db, scope, query.period, filters, now),
    repository.perDayByCategory(scope, query.period, query.districtId, query.timeZone),
    repository.openWork(scope, query.districtId, now),
    // Families are no category's: an observer limited to categories sees none of them.
    scope.categories && scope.categories.length > 0
      ? Promise.resolve([])
      : repository.familiesPerDistrict(scope, query.districtId),
  ]);
  return {
    stats,
    perDay,
    openByDistrict: open.byDistrict,
    overdue: open.overdue,
    // Names of staff: for supervisors only.
    perCurator: viewer.role === 'supervisor' ? open.byCurator : [],
    families: familiesRows,
    now,
  };
}

export type Overview = Awaited<ReturnType<typeof overview>>;

/**
 * Families per district with passport coverage and support measures (supervisors: their scope), and the
 * support-measures coverage /stats shows: of the measures in force families are eligible for, how many
 * they receive.
 */
export async function familiesOverview(
  db: Db,
  viewer: SupervisionViewer,
  query: { districtId?: number; timeZone: string; now?: Date },
) {
  const { scope } = viewer;
  const districtIds = viewDistrictIds(scope, query.districtId);
  const [rows, coverage] = await Promise.all([
    createMonitoringRepository({ db }).familiesPerDistrict(scope, query.districtId),
    measuresCoverage(db, districtIds, regionDate(query.now ?? new Date(), query.timeZone)),
  ]);
  const names = await districtNamesOf(
    db,
    coverage.map((row) => row.districtId),
  );
  return {
    rows,
    coverage: coverage.map((row) => ({ ...row, district: names.get(row.districtId) ?? '—' })),
  };
}

/**
 * The Request page of a supervisor: the request in their scope (anything else: undefined, shown as «not
 * found»), its card and full answers as staff read them in the bot, attachments, timeline and the curators
 * it may be given to. Showing it is a read of personal data: one audit-log row per view.
 */
export async function requestPage(
  deps: { db: Db; t: Translate; timeZone: string },
  input: { telegramId: number; requestId: number; now?: Date },
) {
  const { db } = deps;
  const checked = await authoriseRequestAction(db, { ...input, action: 'oversee' });
  if (!checked.ok) return undefined;
  const { request } = checked;
  const repository = createMonitoringRepository({ db });
  const card = await requestCardText(deps, request.id);
  if (!card) return undefined;
  const [timeline, files, choices] = await Promise.all([
    repository.requestTimeline(request.id),
    repository.requestAttachments(request.id),
    reassignmentChoices(db, { telegramId: input.telegramId, requestId: request.id, family: false }),
  ]);
  await repository.insertAudit({
    staffId: checked.presser.id,
    action: 'web_request_viewed',
    familyId: request.familyId,
    requestId: request.id,
    createdAt: input.now ?? new Date(),
  });
  return {
    request,
    card: card.text,
    details: fullDetailsMessages(deps.t, request).join('\n\n'),
    timeline,
    files,
    curators: choices.ok ? choices.curators : [],
  };
}

/** The Operations page's figures from PostgreSQL: outbox lag and notifications pending or failed. */
export async function operationsFigures(db: Db, now = new Date()) {
  const repository = createMonitoringRepository({ db });
  const [lag, troubled] = await Promise.all([
    repository.outboxLag(now),
    repository.troubledNotifications(50),
  ]);
  return { lag, ...troubled };
}
