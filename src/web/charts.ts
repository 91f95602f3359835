import type { Translate } from '../i18n.js';
import { type Html, html, jsonScript } from './html.js';

/** One chart and the table behind it: rows are `categories`, columns the series. */
export interface ChartSpec {
  id: string;
  title: string;
  /** `bar`: columns over the categories (days); `hbar`: bars along names (districts, curators). */
  kind: 'bar' | 'hbar';
  stacked: boolean;
  unit?: '%';
  categoryHeader: string;
  categories: string[];
  series: Array<{ name: string; data: Array<number | null> }>;
}

/**
 * A chart drawn by app.js with Apache ECharts from the spec in the page's JSON, and under it the same
 * figures as a table: screen readers and keyboards read the table, the chart has a text alternative.
 */
export function chartFigure(t: Translate, spec: ChartSpec): Html {
  const cell = (value: number | null) => (value === null ? '—' : `${value}${spec.unit ?? ''}`);
  if (spec.categories.length === 0)
    return html`<section><h2>${spec.title}</h2><p class="muted">${t('web-no-data')}</p></section>`;
  const height = spec.kind === 'hbar' ? Math.max(220, 40 + spec.categories.length * 34) : 320;
  return html`<figure>
<figcaption id="${spec.id}-caption">${spec.title}</figcaption>
<div class="chart" id="${spec.id}" data-chart="${spec.id}" role="img" aria-labelledby="${spec.id}-caption" style="height:${height}px"></div>
<details open><summary>${t('web-table')}</summary><div class="scroll"><table data-table="${spec.id}">
<thead><tr><th scope="col">${spec.categoryHeader}</th>${spec.series.map((s) => html`<th scope="col" class="n">${s.name}</th>`)}</tr></thead>
<tbody>${spec.categories.map(
    (category, index) =>
      html`<tr><th scope="row">${category}</th>${spec.series.map((s) => html`<td class="n">${cell(s.data[index] ?? null)}</td>`)}</tr>`,
  )}</tbody></table></div></details>
</figure>`;
}

/** The specs of a page, for app.js to draw. */
export function chartData(specs: ChartSpec[]): Html {
  return jsonScript('chart-data', specs);
}
