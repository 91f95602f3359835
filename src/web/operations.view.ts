import type { operationsFigures } from '../features/monitoring/index.js';
import type { Translate } from '../i18n.js';
import { type Html, html } from './html.js';

/** Where Bull Board is mounted (behind the admin session). */
export const BOARD_PATH = '/web/operations/queues';

type OperationsFigures = Awaited<ReturnType<typeof operationsFigures>>;

/** The Operations page's body: outbox and notification tiles, the link to the queues, the notifications table. */
export function operationsBody(t: Translate, figures: OperationsFigures, time: (date: Date) => string): Html {
  const count = (status: string) => figures.counts.find((c) => c.status === status)?.count ?? 0;
  return html`<div class="tiles">
<div class="tile" data-figure="outbox-pending"><div class="value">${figures.lag.pending}</div><div class="label">${t('web-ops-outbox-pending')}</div></div>
<div class="tile ${figures.lag.lagSeconds > 60 ? 'warn' : ''}" data-figure="outbox-lag"><div class="value">${figures.lag.lagSeconds} ${t('web-seconds')}</div><div class="label">${t('web-ops-outbox-lag')}</div></div>
<div class="tile" data-figure="notifications-pending"><div class="value">${count('pending')}</div><div class="label">${t('web-ops-pending')}</div></div>
<div class="tile ${count('failed') > 0 ? 'warn' : ''}" data-figure="notifications-failed"><div class="value">${count('failed')}</div><div class="label">${t('web-ops-failed')}</div></div>
</div>
<p><a href="${BOARD_PATH}">${t('web-ops-queues')}</a></p>
<h2>${t('web-ops-notifications')}</h2>
<div class="scroll"><table data-table="notifications"><thead><tr><th scope="col">id</th><th scope="col">${t('web-col-kind')}</th>
<th scope="col">${t('web-status')}</th><th scope="col" class="n">${t('web-col-attempts')}</th><th scope="col">${t('web-col-created')}</th><th scope="col">${t('web-col-error')}</th></tr></thead>
<tbody>${figures.rows.map(
    (row) =>
      html`<tr><td>${row.id}</td><td>${row.kind}</td><td>${row.status}</td><td class="n">${row.attempts}</td><td>${time(row.createdAt)}</td><td>${row.lastError ?? '—'}</td></tr>`,
  )}</tbody></table></div>`;
}
