import type { requestEventTypes } from '../db/schema/enums.js';
import type { Translate } from '../i18n.js';
import { formatRegionTime } from '../time.js';
import { type Html, html } from './html.js';

interface RequestView {
  request: { id: number; number: number; status: string };
  card: string;
  details: string;
  timeline: Array<{
    id: number;
    type: (typeof requestEventTypes)[number];
    actorKind: string;
    actor: string | null;
    createdAt: Date;
  }>;
  files: Array<{
    id: number;
    kind: string;
    fileName: string | null;
    fileSize: number | null;
    createdAt: Date;
  }>;
  curators: Array<{ id: number; fullName: string; open: number }>;
}

/** A request for a supervisor: the card, the answers, files, the timeline and the reassignment form. */
export function requestBody(
  t: Translate,
  input: { view: RequestView; csrf: string; timeZone: string; language: string; notice?: string },
): Html {
  const { view } = input;
  const time = (date: Date) => formatRegionTime(date, input.timeZone, input.language);
  const who = (event: RequestView['timeline'][number]) => event.actor ?? t(`web-actor-${event.actorKind}`);
  return html`${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
<section><h2>${t('web-request-card')}</h2><div class="card" style="white-space:pre-wrap">${view.card}</div>
<details><summary>${t('web-request-details')}</summary><div style="white-space:pre-wrap">${view.details}</div></details></section>
<section><h2>${t('web-request-files')}</h2>${
    view.files.length === 0
      ? html`<p class="muted">${t('web-request-no-files')}</p>`
      : html`<ul>${view.files.map((file) => html`<li>${file.fileName ?? t('web-file-kind', { kind: file.kind })}${file.fileSize ? ` · ${Math.ceil(file.fileSize / 1024)} KB` : ''} · ${time(file.createdAt)}</li>`)}</ul>`
  }</section>
<section><h2>${t('web-request-timeline')}</h2><div class="scroll"><table data-table="timeline">
<thead><tr><th scope="col">${t('web-col-when')}</th><th scope="col">${t('web-col-event')}</th><th scope="col">${t('web-col-who')}</th></tr></thead>
<tbody>${view.timeline.map((event) => html`<tr><td>${time(event.createdAt)}</td><td>${t('web-event', { type: event.type })}</td><td>${who(event)}</td></tr>`)}</tbody>
</table></div></section>
<section><h2>${t('web-reassign')}</h2>${
    view.curators.length === 0
      ? html`<p class="muted">${t('web-reassign-none')}</p>`
      : html`<form method="post" action="/web/requests/${view.request.id}/reassign" class="filters">
<input type="hidden" name="_csrf" value="${input.csrf}">
<div class="field"><label for="f-curator">${t('web-reassign-to')}</label><select id="f-curator" name="toStaffId" required>${view.curators.map(
          (c) =>
            html`<option value="${c.id}">${c.fullName} (${t('web-open-count', { count: c.open })})</option>`,
        )}</select></div>
<button type="submit">${t('web-reassign-submit')}</button></form>`
  }</section>`;
}
