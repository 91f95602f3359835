import { InlineKeyboard } from 'grammy';
import { callbackData, count, id, oneOf } from '../../bot/callback-data.js';
import type { Translate } from '../../i18n.js';
import { curatorCallback } from '../curator/index.js';

/**
 * Supervisor buttons. Callback data is opaque and short (well under Telegram's 64 bytes):
 * `sup:<requestId>:open` — the request card; `sup:<requestId>:reassign` / `sup:<requestId>:family` — pick a
 * curator for the request / for its whole family; `sup:<requestId>:to:<staffId>` / `sup:<requestId>:fam:<staffId>`
 * — give it to that curator; `sup:overdue:<page>` — a page of /overdue (`sup:overdue`: its first page, sent anew). Every press is re-checked on the server.
 * The escalation alerts carry `open` and `reassign` (supervisorAlertKeyboard).
 */
export type SupervisionCallback =
  | { kind: 'request'; requestId: number; action: 'open' | 'reassign' | 'family' }
  | { kind: 'assign'; requestId: number; action: 'to' | 'fam'; staffId: number }
  | { kind: 'overdue'; page: number; fresh: boolean };

const supervisionButtons = callbackData('sup', {
  // `sup:overdue` alone (an escalation digest's button) opens the first page as a new message.
  overdueFirst: ['overdue'],
  overdue: ['overdue', count('page', { min: 0, max: 9999 })],
  request: [id('requestId'), oneOf('action', ['open', 'reassign', 'family'])],
  assign: [id('requestId'), oneOf('action', ['to', 'fam']), id('staffId')],
});

export const supervisionButtonsFilter = supervisionButtons.filter;

/** A supervisor's press, or undefined for anything that is not a supervision button. */
export function readSupervisionPress(data: string | undefined): SupervisionCallback | undefined {
  const press = supervisionButtons.decode(data);
  if (press?.kind === 'overdueFirst') return { kind: 'overdue', page: 0, fresh: true };
  if (press?.kind === 'overdue') return { kind: 'overdue', page: press.page, fresh: false };
  return press;
}

export const supervisionCallback = {
  open: (requestId: number) => supervisionButtons.encode('request', { requestId, action: 'open' }),
  reassign: (requestId: number) => supervisionButtons.encode('request', { requestId, action: 'reassign' }),
  family: (requestId: number) => supervisionButtons.encode('request', { requestId, action: 'family' }),
  to: (requestId: number, staffId: number) =>
    supervisionButtons.encode('assign', { requestId, action: 'to', staffId }),
  fam: (requestId: number, staffId: number) =>
    supervisionButtons.encode('assign', { requestId, action: 'fam', staffId }),
  overdue: (page: number) => supervisionButtons.encode('overdue', { page }),
};

/** Открыть · Переназначить: the buttons of an escalation alert about a request. */
export function supervisorAlertKeyboard(t: Translate, requestId: number) {
  return new InlineKeyboard()
    .text(t('sup-button-open'), supervisionCallback.open(requestId))
    .text(t('sup-button-reassign'), supervisionCallback.reassign(requestId));
}

/** The request card as a supervisor sees it: reassign the request or its family, the family card. */
export function supervisorCardKeyboard(t: Translate, requestId: number, open: boolean) {
  const keyboard = new InlineKeyboard();
  if (open) keyboard.text(t('sup-button-reassign'), supervisionCallback.reassign(requestId)).row();
  return keyboard
    .text(t('sup-button-family-reassign'), supervisionCallback.family(requestId))
    .row()
    .text(t('cur-button-family'), curatorCallback(requestId, 'family'));
}

/** One button per curator who can be given the request (or the family), with their open requests count. */
export function curatorChoiceKeyboard(
  t: Translate,
  requestId: number,
  action: 'to' | 'fam',
  curators: Array<{ id: number; fullName: string; open: number; awayUntil?: string }>,
) {
  const keyboard = new InlineKeyboard();
  for (const curator of curators) {
    keyboard
      .text(
        curator.awayUntil === undefined
          ? t('sup-button-curator', { name: curator.fullName, open: curator.open })
          : t('sup-button-curator-away', {
              name: curator.fullName,
              open: curator.open,
              until: curator.awayUntil,
            }),
        action === 'to'
          ? supervisionCallback.to(requestId, curator.id)
          : supervisionCallback.fam(requestId, curator.id),
      )
      .row();
  }
  return keyboard;
}

/** /overdue: a button per request on the page, then ‹ and › between pages. */
export function overdueKeyboard(
  t: Translate,
  rows: Array<{ id: number; number: number }>,
  page: number,
  pages: number,
) {
  const keyboard = new InlineKeyboard();
  rows.forEach((row, index) => {
    keyboard.text(t('sup-button-request', { number: String(row.number) }), supervisionCallback.open(row.id));
    if (index % 2 === 1) keyboard.row();
  });
  if (rows.length % 2 === 1) keyboard.row();
  if (page > 0) keyboard.text(t('sup-button-previous'), supervisionCallback.overdue(page - 1));
  if (page + 1 < pages) keyboard.text(t('sup-button-next'), supervisionCallback.overdue(page + 1));
  return keyboard;
}
