import type { Translate } from '../../i18n.js';
import { consentVersionLabel } from '../onboarding/index.js';
import { renderPassport } from '../passport/index.js';
import type { StoredData } from './settings.usecases.js';

/** «Что хранится обо мне» as plain text, in pieces that fit Telegram's 4096-character limit. */
export function renderStoredData(
  t: Translate,
  data: StoredData,
  formatMoment: (iso: string) => string,
): string[] {
  const none = t('passport-none');
  const me = data.member;
  const about = [
    t('settings-stored-title'),
    '',
    t('settings-stored-me'),
    t('settings-stored-name', { value: me?.fullName ?? none }),
    t('settings-stored-phone', { value: me?.phone ?? none }),
    t('settings-stored-telegram', { value: String(me?.telegramId ?? none) }),
    t('settings-stored-language', { value: me?.language ?? 'ru' }),
    t('settings-stored-consent', {
      version: me?.consentVersion ? consentVersionLabel(me.consentVersion) : none,
      at: me?.consentAt ? formatMoment(me.consentAt) : none,
    }),
  ];
  const family = [
    t('settings-stored-family'),
    data.passport ? renderPassport(t, data.passport) : none,
    '',
    t('settings-stored-members', { count: data.otherMembers.length }),
    ...data.otherMembers.map((member) =>
      t('settings-stored-member', {
        name: member.fullName ?? none,
        relationship: member.relationship ?? 'other',
      }),
    ),
  ];
  const requestLines = [
    t('settings-stored-requests', { count: data.requests.length }),
    ...data.requests.map((request) =>
      t('settings-stored-request', {
        number: request.number,
        category: request.category,
        status: request.status,
        at: formatMoment(request.createdAt),
      }),
    ),
    t('settings-stored-messages', { count: data.messageCount }),
    '',
    t('settings-stored-footer'),
  ];
  const pieces: string[] = [];
  for (const block of [about, family, requestLines]) {
    const text = block.join('\n');
    const last = pieces.at(-1);
    if (last !== undefined && last.length + text.length + 2 <= 4000)
      pieces[pieces.length - 1] = `${last}\n\n${text}`;
    else pieces.push(text.length > 4000 ? `${text.slice(0, 3990)}…` : text);
  }
  return pieces;
}
