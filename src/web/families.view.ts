import type { familiesOverview } from '../features/monitoring/index.js';
import type { Translate } from '../i18n.js';
import { type ChartSpec, chartData, chartFigure } from './charts.js';
import { type Html, html } from './html.js';
import { periodForm } from './overview.view.js';
import type { PeriodQuery } from './query.js';

type FamiliesRows = Awaited<ReturnType<typeof familiesOverview>>;

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((100 * part) / whole));

/** Families per district: how many, passports complete and support measures received, as counts and shares. */
function familiesCharts(t: Translate, { rows, coverage }: FamiliesRows): ChartSpec[] {
  const categories = rows.map((row) => row.district);
  return [
    {
      id: 'families-count',
      title: t('web-families-count'),
      kind: 'hbar',
      stacked: false,
      categoryHeader: t('web-col-district'),
      categories,
      series: [
        { name: t('web-families'), data: rows.map((r) => r.families) },
        { name: t('web-passports'), data: rows.map((r) => r.complete) },
        { name: t('web-measures'), data: rows.map((r) => r.measures) },
      ],
    },
    {
      id: 'families-share',
      title: t('web-families-share'),
      kind: 'hbar',
      stacked: false,
      unit: '%',
      categoryHeader: t('web-col-district'),
      categories,
      series: [
        { name: t('web-passports'), data: rows.map((r) => share(r.complete, r.families)) },
        { name: t('web-measures'), data: rows.map((r) => share(r.measures, r.families)) },
      ],
    },
    {
      id: 'measures-coverage',
      title: t('web-measures-coverage'),
      kind: 'hbar',
      stacked: false,
      unit: '%',
      categoryHeader: t('web-col-district'),
      categories: coverage.map((row) => row.district),
      series: [
        { name: t('web-measures-received'), data: coverage.map((r) => share(r.received, r.eligible)) },
      ],
    },
  ];
}

/** The Families page's body: the period form, a note, the charts and their data. */
export function familiesBody(t: Translate, query: PeriodQuery, data: FamiliesRows): Html {
  const specs = familiesCharts(t, data);
  return html`${periodForm(t, query, '/web/families')}<p class="muted">${t('web-families-note')}</p>
${specs.map((spec) => chartFigure(t, spec))}${chartData(specs)}`;
}
