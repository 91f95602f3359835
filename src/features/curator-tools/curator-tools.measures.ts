import type { DbOrTx } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import {
  loadSupportMeasuresCatalogues,
  type SupportMeasuresCatalogue,
} from '../support-measures/support-measures.catalogue.js';
import { createCuratorToolsRepository } from './curator-tools.repository.js';

let cached: SupportMeasuresCatalogue | undefined;

/** The Russian catalogue staff read (checked at start by the requests feature; loaded here once). */
export function staffCatalogue(): SupportMeasuresCatalogue {
  cached ??= loadSupportMeasuresCatalogues().ru;
  return cached;
}

const isoToRu = (iso: string) => iso.split('-').reverse().join('.');

/** «Меры поддержки» of a family card: each measure with since when and the note, or «пока не записаны». */
export async function supportMeasuresSection(
  db: DbOrTx,
  t: Translate,
  familyId: number,
  catalogue: SupportMeasuresCatalogue = staffCatalogue(),
): Promise<string> {
  const measures = await createCuratorToolsRepository({ db }).measuresOf(familyId);
  const title = (code: string) => catalogue.measures.find((m) => m.code === code)?.title ?? code;
  return [
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
