import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { formatRegionDate, formatRegionTime } from '../../time.js';
import { periodLabel, type StatsPeriod } from './supervision.period.js';
import { categoryLabel, formatDuration, formatRating, statusLabel } from './supervision.render.js';
import {
  createSupervisionRepository,
  type RegisterFilters,
  type RegisterRow,
  type SupervisionRepository,
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
  // A search reads personal data: an observer's export is never narrowed by one.
  if (!personal) filters = { ...filters, search: undefined };
  const repository = createSupervisionRepository({ db: deps.db });
  const rows = await repository.registerRows(viewer.scope, period, filters, { personal });
  const stats = await computeStats(deps.db, viewer.scope, period, filters, now);
  const names = await personalNames(repository, rows, personal);

  // exceljs costs about 25 MiB and 0.4 s of CPU to load: only the first export pays for it, not every start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.created = now;
  addRegisterSheet(workbook, { t, timeZone, now, personal, names }, rows);
  addTotalsSheet(workbook, { t, timeZone, personal }, period, stats);
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  await repository.insertAudit({
    staffId: viewer.id,
    action: 'register_exported',
    details: {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      districtId: filters.districtId ?? null,
      category: filters.category ?? null,
      status: filters.status ?? null,
      priority: filters.priority ?? null,
      overdue: filters.overdueAt !== undefined,
      search: filters.search?.kind ?? null,
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

type Workbook = InstanceType<typeof import('exceljs')['Workbook']>;

/** Who made each request (its member, or the family's first) and each curator's name: for supervisors only. */
async function personalNames(repository: SupervisionRepository, rows: RegisterRow[], personal: boolean) {
  const applicants = new Map<number, { fullName: string | null; phone: string | null }>();
  const curators = new Map<number, string>();
  if (!personal) return { applicants, curators };
  const members = await repository.membersOfFamilies([...new Set(rows.map((r) => r.familyId))]);
  for (const row of rows) {
    const member =
      members.find((m) => m.id === row.memberId) ?? members.find((m) => m.familyId === row.familyId);
    if (member) applicants.set(row.id, member);
  }
  for (const [id, name] of await repository.staffNames([
    ...new Set(rows.flatMap((r) => (r.curatorId === null ? [] : [r.curatorId]))),
  ]))
    curators.set(id, name);
  return { applicants, curators };
}

interface RegisterSheet {
  t: Translate;
  timeZone: string;
  now: Date;
  personal: boolean;
  names: Awaited<ReturnType<typeof personalNames>>;
}

/** «Заявки»: a header row, frozen, and one row per request; an observer's copy without personal columns. */
function addRegisterSheet(workbook: Workbook, sheet: RegisterSheet, rows: RegisterRow[]) {
  const { t, personal } = sheet;
  const register = workbook.addWorksheet(t('sup-xlsx-sheet-requests'));
  const shown = columns.filter((column) => personal || !column.personal);
  register.addRow(shown.map((column) => t(`sup-xlsx-col-${column.key}`)));
  register.getRow(1).font = { bold: true };
  register.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of rows) register.addRow(shown.map((column) => registerCell(sheet, column.key, row)));
  register.columns.forEach((column) => {
    column.width = 18;
  });
}

/** One cell of the register: what each column shows of a request. */
function registerCell(sheet: RegisterSheet, key: ColumnKey, row: RegisterRow): string | number {
  const { t, timeZone, now, names } = sheet;
  const time = (date: Date | null) => (date ? formatRegionTime(date, timeZone) : '');
  const inTime = (done: Date | null, deadline: Date) =>
    done ? t(done <= deadline ? 'sup-xlsx-yes' : 'sup-xlsx-no') : deadline < now ? t('sup-xlsx-no') : '';
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
      return row.curatorId === null ? '' : (names.curators.get(row.curatorId) ?? '');
    case 'applicant':
      return names.applicants.get(row.id)?.fullName ?? '';
    case 'phone':
      return names.applicants.get(row.id)?.phone ?? '';
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
}

type Stats = Awaited<ReturnType<typeof computeStats>>;

/** A figures row: created, % taken and resolved in time, median times, the average rating. */
function figureCells(t: Translate, f: FigureRow) {
  return [
    f.created,
    f.takeDue === 0 ? '' : Math.round((100 * f.takenInTime) / f.takeDue),
    f.resolveDue === 0 ? '' : Math.round((100 * f.resolvedInTime) / f.resolveDue),
    formatDuration(t, f.medianTakeSeconds),
    formatDuration(t, f.medianResolveSeconds),
    f.averageRating === null ? '' : Number(formatRating(f.averageRating).replace(',', '.')),
  ];
}

/** «Итоги»: the /stats figures of the period, by status, district, category and (supervisors) curator. */
function addTotalsSheet(
  workbook: Workbook,
  sheet: { t: Translate; timeZone: string; personal: boolean },
  period: StatsPeriod,
  stats: Stats,
) {
  const { t } = sheet;
  const totals = workbook.addWorksheet(t('sup-xlsx-sheet-totals'));
  const total = figureCells(t, stats.total);
  totals.addRow([t('sup-xlsx-total-period'), periodLabel(period, sheet.timeZone)]);
  totals.addRow([t('sup-xlsx-total-created'), stats.total.created]);
  totals.addRow([t('sup-xlsx-total-taken-in-time'), total[1]!]);
  totals.addRow([t('sup-xlsx-total-resolved-in-time'), total[2]!]);
  totals.addRow([t('sup-xlsx-total-median-take'), formatDuration(t, stats.total.medianTakeSeconds)]);
  totals.addRow([t('sup-xlsx-total-median-resolve'), formatDuration(t, stats.total.medianResolveSeconds)]);
  totals.addRow([t('sup-xlsx-total-rating'), total[5]!]);
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
  const breakdown = (title: string, rows: Array<{ label: string; figures: FigureRow }>) => {
    totals.addRow([]);
    totals.addRow([title, ...header]);
    for (const row of rows) totals.addRow([row.label, ...figureCells(t, row.figures)]);
  };
  breakdown(
    t('sup-xlsx-by-district'),
    stats.byDistrict.map((row) => ({ label: row.name, figures: row.figures })),
  );
  breakdown(
    t('sup-xlsx-by-category'),
    stats.byCategory.map((row) => ({ label: categoryLabel(t, row.category), figures: row.figures })),
  );
  if (sheet.personal) {
    breakdown(
      t('sup-xlsx-by-curator'),
      stats.byCurator.map((row) => ({ label: row.name ?? t('sup-no-curator'), figures: row.figures })),
    );
  }
  totals.getColumn(1).width = 36;
}
