import type { DbOrTx } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { familyMeasures } from '../support-measures/index.js';
import { createCuratorToolsRepository } from './curator-tools.repository.js';

const isoToRu = (iso: string) => iso.split('-').reverse().join('.');

/**
 * «Меры поддержки» of a family card: what the family is eligible for and does not receive yet (for the
 * curator to grant), then each measure received with since when and the note, or «пока не записаны».
 */
export async function supportMeasuresSection(
  db: DbOrTx,
  t: Translate,
  familyId: number,
  today: string,
): Promise<string> {
  const [measures, view] = await Promise.all([
    createCuratorToolsRepository({ db }).measuresOf(familyId),
    familyMeasures(db, familyId, today),
  ]);
  const title = (code: string) => view.received.find((m) => m.code === code)?.title ?? code;
  const due =
    view.eligible.length === 0
      ? []
      : [t('ct-family-card-eligible'), ...view.eligible.map((m) => `• ${m.title}`), ''];
  return [
    ...due,
    t('ct-family-card-measures'),
    ...(measures.length === 0
      ? [t('ct-family-card-no-measures')]
      : measures.map((m) =>
          t('ct-family-card-measure', {
            measure: title(m.measure),
            since: m.since ? isoToRu(m.since) : '—',
            note: m.note ?? '',
            hasNote: m.note ? 'yes' : 'no',
          }),
        )),
  ].join('\n');
}
