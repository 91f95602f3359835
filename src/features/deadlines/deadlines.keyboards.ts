import { InlineKeyboard } from 'grammy';
import type { Translate } from '../../i18n.js';

/**
 * Buttons of an escalation alert. Callback data is opaque and short (`sup:<requestId>:open`,
 * `sup:<requestId>:reassign`, the digest's `sup:overdue`); the supervision slice handles the presses and
 * checks every one against the presser's role and scope.
 */
export const supervisorAlertCallback = (requestId: number, action: 'open' | 'reassign') =>
  `sup:${requestId}:${action}`;
export const SUPERVISOR_OVERDUE_CALLBACK = 'sup:overdue';

export function supervisorAlertKeyboard(t: Translate, requestId: number) {
  return new InlineKeyboard()
    .text(t('dl-button-open'), supervisorAlertCallback(requestId, 'open'))
    .text(t('dl-button-reassign'), supervisorAlertCallback(requestId, 'reassign'));
}

export function supervisorDigestKeyboard(t: Translate) {
  return new InlineKeyboard().text(t('dl-button-overdue'), SUPERVISOR_OVERDUE_CALLBACK);
}
