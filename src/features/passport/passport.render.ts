import { choiceAfterColon, type Translate } from '../../i18n.js';
import type { PassportDraft } from './passport.schemas.js';

/** dd.mm.yyyy, the way dates are written to people. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}.${month}.${year}`;
}

/** The passport as a person reads it (summary before saving, and «Социальный паспорт»). */
export function renderPassport(t: Translate, draft: PassportDraft): string {
  const lines = [
    t('passport-line-applicant', { name: draft.applicantName }),
    t('passport-line-relationship', {
      relationship: choiceAfterColon(t, t('passport-relationship', { value: draft.relationship })),
    }),
    t('passport-line-serviceman', { name: draft.servicemanName }),
    t('passport-line-serviceman-birth-date', {
      // «не указана» / «не указан»: the word agrees with the line's noun (дата, адрес).
      date: draft.servicemanBirthDate ? formatDate(draft.servicemanBirthDate) : t('passport-none-date'),
    }),
    t('passport-line-district', { name: draft.districtName }),
    t('passport-line-locality', { value: draft.locality }),
    t('passport-line-address', { value: draft.address ?? t('passport-none-address') }),
    '',
    t('passport-line-children', { count: draft.children.length }),
    ...draft.children.map((child, index) =>
      t('passport-line-child', {
        index: index + 1,
        name: child.fullName,
        date: formatDate(child.birthDate),
        value: child.institution,
      }),
    ),
    t('passport-line-relatives', { count: draft.relatives.length }),
    ...draft.relatives.map((relative, index) =>
      t('passport-line-relative', {
        index: index + 1,
        name: relative.fullName,
        date: relative.birthDate ? formatDate(relative.birthDate) : 'none',
        needs: relative.careNeeds,
      }),
    ),
  ];
  return lines.join('\n');
}
