import { openRequestStatuses } from '../db/schema/enums.js';
import type { Overview } from '../features/monitoring/index.js';
import { categoryLabel, formatDuration, formatRating, statusLabel } from '../features/supervision/index.js';
import type { Translate } from '../i18n.js';
import { type ChartSpec, chartData, chartFigure } from './charts.js';
import { type Html, html } from './html.js';
import { type PeriodQuery, periodChoices } from './query.js';

const percent = (done: number, due: number) => (due === 0 ? null : Math.round((100 * done) / due));

/** The period picker and district filter: a GET form, so every choice is in the URL. */
export function periodForm(t: Translate, query: PeriodQuery, action: string, extra: Html | '' = ''): Html {
  return html`<form class="filters" method="get" action="${action}">
<div class="field"><label for="f-period">${t('web-period')}</label><select id="f-period" name="period">${periodChoices.map(
    (choice) =>
      html`<option value="${choice}" ${choice === query.choice ? html`selected` : ''}>${t(`web-period-${choice}`)}</option>`,
  )}</select></div>
<div class="field"><label for="f-from">${t('web-from')}</label><input id="f-from" type="date" name="from" value="${query.from}"></div>
<div class="field"><label for="f-to">${t('web-to')}</label><input id="f-to" type="date" name="to" value="${query.to}"></div>
<div class="field"><label for="f-district">${t('web-district')}</label><select id="f-district" name="district"><option value="">${t('web-all-districts')}</option>${query.districts.map(
    (d) =>
      html`<option value="${d.id}" ${d.id === query.districtId ? html`selected` : ''}>${d.name}</option>`,
  )}</select></div>
${extra}
<button type="submit">${t('web-apply')}</button>
</form>`;
}

function tiles(t: Translate, data: Overview, withFamilies: boolean): Html {
  const total = data.stats.total;
  const tile = (label: string, value: string | number, id: string, warn = false) =>
    html`<div class="tile ${warn ? 'warn' : ''}" data-figure="${id}"><div class="value">${value}</div><div class="label">${label}</div></div>`;
  const pct = (value: number | null) => (value === null ? '—' : `${value}%`);
  const families = data.families.reduce((sum, row) => sum + row.families, 0);
  const complete = data.families.reduce((sum, row) => sum + row.complete, 0);
  return html`<div class="tiles">
${tile(t('web-created'), total.created, 'created')}
${tile(t('web-overdue-now'), data.overdue, 'overdue', data.overdue > 0)}
${tile(t('web-taken-in-time'), pct(percent(total.takenInTime, total.takeDue)), 'taken-in-time')}
${tile(t('web-resolved-in-time'), pct(percent(total.resolvedInTime, total.resolveDue)), 'resolved-in-time')}
${tile(t('web-median-take'), formatDuration(t, total.medianTakeSeconds), 'median-take')}
${tile(t('web-median-resolve'), formatDuration(t, total.medianResolveSeconds), 'median-resolve')}
${tile(t('web-rating'), total.averageRating === null ? '—' : formatRating(total.averageRating), 'rating')}
${withFamilies ? tile(t('web-families'), families, 'families') : ''}
${withFamilies ? tile(t('web-passports'), complete, 'passports') : ''}
</div>`;
}

/** The charts of the Overview, each with its table. */
export function overviewCharts(t: Translate, data: Overview, withCurators: boolean): ChartSpec[] {
  const days = [...new Set(data.perDay.map((row) => row.day))].sort();
  const dayCategories = [...new Set(data.perDay.map((row) => row.category))];
  const districtNames = [...new Set(data.openByDistrict.map((row) => row.district))];
  const specs: ChartSpec[] = [
    {
      id: 'per-day',
      title: t('web-chart-per-day'),
      kind: 'bar',
      stacked: true,
      categoryHeader: t('web-col-day'),
      categories: days,
      series: dayCategories.map((category) => ({
        name: categoryLabel(t, category),
        data: days.map(
          (day) => data.perDay.find((r) => r.day === day && r.category === category)?.count ?? 0,
        ),
      })),
    },
    {
      id: 'open-by-district',
      title: t('web-chart-open'),
      kind: 'hbar',
      stacked: true,
      categoryHeader: t('web-col-district'),
      categories: districtNames,
      series: openRequestStatuses.map((status) => ({
        name: statusLabel(t, status),
        data: districtNames.map(
          (name) => data.openByDistrict.find((r) => r.district === name && r.status === status)?.count ?? 0,
        ),
      })),
    },
    inTimeChart(
      t,
      'in-time-district',
      t('web-chart-in-time-district'),
      t('web-col-district'),
      data.stats.byDistrict.map((row) => ({ label: row.name, figures: row.figures })),
    ),
    inTimeChart(
      t,
      'in-time-category',
      t('web-chart-in-time-category'),
      t('web-col-category'),
      data.stats.byCategory.map((row) => ({ label: categoryLabel(t, row.category), figures: row.figures })),
    ),
  ];
  if (withCurators)
    specs.push({
      id: 'per-curator',
      title: t('web-chart-per-curator'),
      kind: 'hbar',
      stacked: false,
      categoryHeader: t('web-col-curator'),
      categories: data.perCurator.map((row) => row.name ?? t('web-no-curator')),
      series: [{ name: t('web-col-open'), data: data.perCurator.map((row) => row.count) }],
    });
  return specs;
}

function inTimeChart(
  t: Translate,
  id: string,
  title: string,
  header: string,
  rows: Array<{ label: string; figures: Overview['stats']['total'] }>,
): ChartSpec {
  return {
    id,
    title,
    kind: 'hbar',
    stacked: false,
    unit: '%',
    categoryHeader: header,
    categories: rows.map((row) => row.label),
    series: [
      {
        name: t('web-taken-in-time'),
        data: rows.map((r) => percent(r.figures.takenInTime, r.figures.takeDue)),
      },
      {
        name: t('web-resolved-in-time'),
        data: rows.map((r) => percent(r.figures.resolvedInTime, r.figures.resolveDue)),
      },
    ],
  };
}

/** The Overview's body: the filters, the figures, every chart with its table, and when it was computed. */
export function overviewBody(
  t: Translate,
  input: {
    data: Overview;
    query: PeriodQuery;
    withCurators: boolean;
    withFamilies: boolean;
    updatedAt: string;
    /** The psychologists' consultations block, as /stats writes it (lines). */
    consultations?: string;
  },
): Html {
  const specs = overviewCharts(t, input.data, input.withCurators);
  const [title, ...lines] = (input.consultations ?? '').split('\n');
  return html`${periodForm(t, input.query, '/web/overview')}
<p class="muted" aria-live="polite">${t('web-updated', { time: input.updatedAt })}</p>
${tiles(t, input.data, input.withFamilies)}
${specs.map((spec) => chartFigure(t, spec))}
${input.consultations ? html`<section data-section="consultations"><h2>${title ?? ''}</h2><ul>${lines.map((line) => html`<li>${line}</li>`)}</ul></section>` : ''}
${chartData(specs)}`;
}
