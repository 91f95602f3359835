import ExcelJS from 'exceljs';
import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { formatRegionDate, formatRegionTime } from '../../time.js';
import { periodLabel, type StatsPeriod } from './supervision.period.js';
import { categoryLabel, formatDuration, formatRating, statusLabel } from './supervision.render.js';
import {
  createSupervisionRepository,
  type RegisterFilters,
  type RegisterRow,
} from './supervision.repository.js';
import type { SupervisionViewer } from './supervision.scope.js';
import { computeStats, type FigureRow } from './supervision.usecases.js';

/** Columns of the register; `personal` ones (names, phones, address, free text) only for supervisors. */
const columns = [
  { key: 'number', personal: false },
  { key: 'created', personal: false },
  { key: 'district', personal: false },
  { key: 'category', personal: false },
  { key: 'urgency', personal: false },
  { key: 'status', personal: false },
  { key: 'curator', personal: true },
  { key: 'applicant', personal: true },
  { key: 'phone', personal: true },
  { key: 'address', personal: true },
  { key: 'take-deadline', personal: false },
  { key: 'taken', personal: false },
  { key: 'taken-in-time', personal: false },
  { key: 'resolve-deadline', personal: false },
  { key: 'resolved', personal: false },
  { key: 'resolved-in-time', personal: false },
  { key: 'rating', personal: false },
  { key: 'rating-comment', personal: true },
] as const;

type ColumnKey = (typeof columns)[number]['key'];

/**
 * The request register as an .xlsx workbook: sheet «Заявки» (one row per request created in the period,
 * within the viewer's scope and the filters) and sheet «Итоги» (the /stats figures). An observer's copy
 * has no personal columns at all. Writes an audit-log row (who, when, what was exported, how many rows).
 */
export async function exportRegister(
  deps: { db: Db; t: Translate; timeZone: string; now?: Date },
  viewer: SupervisionViewer,
  period: StatsPeriod,
  filters: RegisterFilters,
) {
  const { t, timeZone } = deps;
  const now = deps.now ?? new Date();
  const personal = viewer.role === 'supervisor';
  const repository = createSupervisionRepository({ db: deps.db });
  const rows = await repository.registerRows(viewer.scope, period, filters, { personal });
  const stats = await computeStats(deps.db, viewer.scope, period, filters, now);

  const applicants = new Map<number, { fullName: string | null; phone: string | null }>();
  const curatorNames = new Map<number, string>();
  if (personal) {
    const members = await repository.membersOfFamilies([...new Set(rows.map((r) => r.familyId))]);
    for (const row of rows) {
      const member =
        members.find((m) => m.id === row.memberId) ?? members.find((m) => m.familyId === row.familyId);
      if (member) applicants.set(row.id, member);
    }
    for (const [id, name] of await repository.staffNames([
      ...new Set(rows.flatMap((r) => (r.curatorId === null ? [] : [r.curatorId]))),
    ]))
      curatorNames.set(id, name);
  }

  const time = (date: Date | null) => (date ? formatRegionTime(date, timeZone) : '');
  const inTime = (done: Date | null, deadline: Date) =>
    done ? t(done <= deadline ? 'sup-xlsx-yes' : 'sup-xlsx-no') : deadline < now ? t('sup-xlsx-no') : '';
  const cell = (key: ColumnKey, row: RegisterRow): string | number => {
    switch (key) {
      case 'number':
        return row.number;
      case 'created':
        return time(row.createdAt);
      case 'district':
        return row.district;
      case 'category':
        return categoryLabel(t, row.category);
      case 'urgency':
        return t(row.priority === 'urgent' ? 'sup-xlsx-urgent' : 'sup-xlsx-planned');
      case 'status':
        return statusLabel(t, row.status);
      case 'curator':
        return row.curatorId === null ? '' : (curatorNames.get(row.curatorId) ?? '');
      case 'applicant':
        return applicants.get(row.id)?.fullName ?? '';
      case 'phone':
        return applicants.get(row.id)?.phone ?? '';
      case 'address':
        return [row.locality, row.address].filter(Boolean).join(', ');
      case 'take-deadline':
        return time(row.takeDeadlineAt);
      case 'taken':
        return time(row.takenAt);
      case 'taken-in-time':
        return row.takenAt || row.status !== 'cancelled' ? inTime(row.takenAt, row.takeDeadlineAt) : '';
      case 'resolve-deadline':
        return time(row.resolveDeadlineAt);
      case 'resolved':
        return time(row.resolvedAt);
      case 'resolved-in-time':
        return row.resolvedAt || (row.status !== 'cancelled' && row.status !== 'rejected')
          ? inTime(row.resolvedAt, row.resolveDeadlineAt)
          : '';
      case 'rating':
        return row.rating ?? '';
      case 'rating-comment':
        return row.ratingComment ?? '';
    }
  };

  const workbook = new ExcelJS.Workbook();
  workbook.created = now;
  const register = workbook.addWorksheet(t('sup-xlsx-sheet-requests'));
  const shown = columns.filter((column) => personal || !column.personal);
  register.addRow(shown.map((column) => t(`sup-xlsx-col-${column.key}`)));
  register.getRow(1).font = { bold: true };
  register.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of rows) register.addRow(shown.map((column) => cell(column.key, row)));
  register.columns.forEach((column) => {
    column.width = 18;
  });

  const totals = workbook.addWorksheet(t('sup-xlsx-sheet-totals'));
  totals.addRow([t('sup-xlsx-total-period'), periodLabel(period, timeZone)]);
  totals.addRow([t('sup-xlsx-total-created'), stats.total.created]);
  const figureRows = (f: FigureRow) => [
    f.created,
    f.takeDue === 0 ? '' : Math.round((100 * f.takenInTime) / f.takeDue),
    f.resolveDue === 0 ? '' : Math.round((100 * f.resolvedInTime) / f.resolveDue),
    formatDuration(t, f.medianTakeSeconds),
    formatDuration(t, f.medianResolveSeconds),
    f.averageRating === null ? '' : Number(formatRating(f.averageRating).replace(',', '.')),
  ];
  totals.addRow([t('sup-xlsx-total-taken-in-time'), figureRows(stats.total)[1]!]);
  totals.addRow([t('sup-xlsx-total-resolved-in-time'), figureRows(stats.total)[2]!]);
  totals.addRow([t('sup-xlsx-total-median-take'), formatDuration(t, stats.total.medianTakeSeconds)]);
  totals.addRow([t('sup-xlsx-total-median-resolve'), formatDuration(t, stats.total.medianResolveSeconds)]);
  totals.addRow([t('sup-xlsx-total-rating'), figureRows(stats.total)[5]!]);
  totals.addRow([]);
  totals.addRow([t('sup-xlsx-by-status'), t('sup-xlsx-count')]);
  for (const [status, count] of Object.entries(stats.byStatus)) {
    totals.addRow([statusLabel(t, status as keyof typeof stats.byStatus), count]);
  }
  const header = [
    t('sup-xlsx-col-created-count'),
    t('sup-xlsx-col-taken-pct'),
    t('sup-xlsx-col-resolved-pct'),
    t('sup-xlsx-col-median-take'),
    t('sup-xlsx-col-median-resolve'),
    t('sup-xlsx-col-rating'),
  ];
  totals.addRow([]);
  totals.addRow([t('sup-xlsx-by-district'), ...header]);
  for (const row of stats.byDistrict) totals.addRow([row.name, ...figureRows(row.figures)]);
  totals.addRow([]);
  totals.addRow([t('sup-xlsx-by-category'), ...header]);
  for (const row of stats.byCategory)
    totals.addRow([categoryLabel(t, row.category), ...figureRows(row.figures)]);
  if (personal) {
    totals.addRow([]);
    totals.addRow([t('sup-xlsx-by-curator'), ...header]);
    for (const row of stats.byCurator)
      totals.addRow([row.name ?? t('sup-no-curator'), ...figureRows(row.figures)]);
  }
  totals.getColumn(1).width = 36;

  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  await repository.insertAudit({
    staffId: viewer.id,
    action: 'register_exported',
    details: {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      districtId: filters.districtId ?? null,
      category: filters.category ?? null,
      rows: rows.length,
      personal,
    },
    createdAt: now,
  });
  const fileName = `reestr-${formatRegionDate(period.from, timeZone)}-${formatRegionDate(
    new Date(period.to.getTime() - 1),
    timeZone,
  )}.xlsx`;
  return { buffer, rows: rows.length, fileName };
}
