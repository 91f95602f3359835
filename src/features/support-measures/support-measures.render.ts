import type { Translate } from '../../i18n.js';
import { russianDate } from '../../time.js';
import type { MeasureRow } from './support-measures.repository.js';
import type { FamilyMeasures } from './support-measures.usecases.js';

const bullet = (title: string) => `• ${title}`;

/** The family's «Меры поддержки»: «Вам положено», «Получено» with dates, «Другие меры», and what to do. */
export function familyMeasuresText(t: Translate, view: FamilyMeasures): string {
  const blocks = [t('sm-title')];
  blocks.push(
    view.eligible.length > 0
      ? [t('sm-eligible'), ...view.eligible.map((m) => bullet(m.title))].join('\n')
      : t('sm-none-eligible'),
  );
  if (view.received.length > 0) {
    const lines = view.received.map((m) =>
      m.since ? t('sm-received-line', { title: m.title, since: russianDate(m.since) }) : bullet(m.title),
    );
    blocks.push([t('sm-received'), ...lines].join('\n'));
  }
  if (view.others.length > 0)
    blocks.push([t('sm-others'), ...view.others.map((m) => bullet(m.title))].join('\n'));
  blocks.push(t('sm-next'));
  return blocks.join('\n\n');
}

/** One measure: what it gives, who is eligible, how to get it (documents, where, contacts), until when. */
export function measureText(t: Translate, measure: MeasureRow, state: 'eligible' | 'received' | 'other') {
  const { documents, where, contacts } = measure.howToGet;
  return [
    measure.title,
    measure.gives,
    t('sm-who', { who: measure.whoIsEligible }),
    documents.length > 0 ? [t('sm-documents'), ...documents.map(bullet)].join('\n') : undefined,
    t('sm-where', { where }),
    t('sm-contacts', { contacts }),
    measure.validTo ? t('sm-valid-to', { date: russianDate(measure.validTo) }) : undefined,
    t('sm-state', { state }),
  ]
    .filter((block) => block !== undefined)
    .join('\n\n');
}

/** «Вам теперь положено»: the measures offered, each a button to read how to get it. */
export function offerText(t: Translate, titles: string[]): string {
  return [t('sm-offer', { count: titles.length }), ...titles.map(bullet), '', t('sm-offer-next')].join('\n');
}
