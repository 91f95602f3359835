import { requestCategories, requestPriorities, requestStatuses } from '../db/schema/enums.js';
import { categoryLabel, type RegisterSort, statusLabel } from '../features/supervision/index.js';
import type { Translate } from '../i18n.js';
import { formatRegionTime } from '../time.js';
import { type Html, html } from './html.js';
import { periodForm } from './overview.view.js';
import { withQuery } from './query.js';
import type { RegisterQuery } from './register.query.js';

interface RegisterRowView {
  id: number;
  number: number;
  createdAt: Date;
  district: string;
  category: (typeof requestCategories)[number];
  priority: (typeof requestPriorities)[number];
  status: (typeof requestStatuses)[number];
  curator: string | null;
  deadline: Date | null;
}

function filterFields(t: Translate, query: RegisterQuery, supervisor: boolean): Html {
  const select = <T extends string>(
    name: string,
    label: string,
    values: readonly T[],
    chosen: T | undefined,
    text: (v: T) => string,
  ) =>
    html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">${t('web-any')}</option>${values.map(
      (value) =>
        html`<option value="${value}" ${value === chosen ? html`selected` : ''}>${text(value)}</option>`,
    )}</select></div>`;
  return html`${select('status', t('web-status'), requestStatuses, query.status, (s) => statusLabel(t, s))}
${select('category', t('web-col-category'), requestCategories, query.category, (c) => categoryLabel(t, c))}
${select('urgency', t('web-urgency'), requestPriorities, query.urgency, (p) => t(p === 'urgent' ? 'sup-xlsx-urgent' : 'sup-xlsx-planned'))}
<div class="field check"><input id="f-overdue" type="checkbox" name="overdue" value="1" ${query.overdue ? html`checked` : ''}><label for="f-overdue">${t('web-overdue-only')}</label></div>
${supervisor ? html`<div class="field"><label for="f-q">${t('web-search')}</label><input id="f-q" type="search" name="q" value="${query.search}" placeholder="${t('web-search-hint')}"></div>` : ''}
<input type="hidden" name="sort" value="${query.sort}"><input type="hidden" name="dir" value="${query.descending ? 'desc' : 'asc'}">`;
}

function sortHeader(_t: Translate, query: RegisterQuery, sort: RegisterSort, label: string): Html {
  const current = query.sort === sort;
  const dir = current && query.descending ? 'asc' : 'desc';
  const ariaSort = current ? (query.descending ? 'descending' : 'ascending') : 'none';
  const href = withQuery('/web/register', query.raw, { sort, dir, page: undefined });
  return html`<th scope="col" aria-sort="${ariaSort}"><a href="${href}">${label}${current ? (query.descending ? ' ↓' : ' ↑') : ''}</a></th>`;
}

/** The register: filters (a GET form), the export of exactly this view, the table, the pager. */
export function registerBody(
  t: Translate,
  input: {
    query: RegisterQuery;
    supervisor: boolean;
    timeZone: string;
    language: string;
    result: { total: number; rows: RegisterRowView[]; page: number; pages: number };
  },
): Html {
  const { query, result, supervisor } = input;
  const time = (date: Date | null) => (date ? formatRegionTime(date, input.timeZone, input.language) : '—');
  const exportHref = withQuery('/web/register.xlsx', query.raw, { page: undefined });
  const pageHref = (page: number) => withQuery('/web/register', query.raw, { page: String(page + 1) });
  return html`${periodForm(t, query, '/web/register', filterFields(t, query, supervisor))}
<p><span data-total="${result.total}">${t('web-total', { count: result.total })}</span> · <a href="${exportHref}" download>${t('web-export')}</a></p>
<div class="scroll"><table data-table="register">
<thead><tr>${sortHeader(t, query, 'number', t('web-col-number'))}${sortHeader(t, query, 'created', t('web-col-created'))}
${sortHeader(t, query, 'district', t('web-col-district'))}${sortHeader(t, query, 'category', t('web-col-category'))}
<th scope="col">${t('web-urgency')}</th>${sortHeader(t, query, 'status', t('web-status'))}
${supervisor ? html`<th scope="col">${t('web-col-curator')}</th>` : ''}${sortHeader(t, query, 'deadline', t('web-col-deadline'))}</tr></thead>
<tbody>${result.rows.map(
    (row) => html`<tr data-request="${row.number}">
<td>${supervisor ? html`<a href="/web/requests/${row.id}">№ ${row.number}</a>` : html`№ ${row.number}`}</td>
<td>${time(row.createdAt)}</td><td>${row.district}</td><td>${categoryLabel(t, row.category)}</td>
<td>${t(row.priority === 'urgent' ? 'sup-xlsx-urgent' : 'sup-xlsx-planned')}</td><td>${statusLabel(t, row.status)}</td>
${supervisor ? html`<td>${row.curator ?? t('web-no-curator')}</td>` : ''}<td>${time(row.deadline)}</td></tr>`,
  )}</tbody></table></div>
<nav class="pager" aria-label="${t('web-pages')}">
${result.page > 0 ? html`<a href="${pageHref(result.page - 1)}" rel="prev">${t('web-prev')}</a>` : ''}
<span>${t('web-page', { page: result.page + 1, pages: result.pages })}</span>
${result.page + 1 < result.pages ? html`<a href="${pageHref(result.page + 1)}" rel="next">${t('web-next')}</a>` : ''}
</nav>`;
}
