import type { Translate } from '../../i18n.js';
import type { fieldFigures } from './field.usecases.js';

/** The /stats line of field questionnaires: how many, the needs found, by topic. */
export function fieldStatsText(t: Translate, figures: Awaited<ReturnType<typeof fieldFigures>>) {
  const topics = figures.byTopic
    .map((row) => `${t('field-topic', { topic: row.topic })} ${row.findings}`)
    .join(', ');
  return t('sup-stats-field', {
    questionnaires: figures.questionnaires,
    findings: figures.findings,
    topics: topics ? ` (${topics})` : '',
  });
}
