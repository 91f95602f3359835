import type { RequestCategory } from '../../db/schema/enums.js';
import { choiceAfterColon, type Translate } from '../../i18n.js';
import { formatCalendarDate } from '../../time.js';
import { LEFT_TO_CURATOR, type PersonRef, type RequestDetailsByCategory } from './requests.schemas.js';

/**
 * Request details in readable form, label by label, in the order the dialogue asks them: the one renderer
 * of a request's answers, for the family's summary and «Мои заявки» and for every staff view of a request
 * (the card, «Показать полностью», /my, «Открыть», the family card; features/request-card). Labels and
 * choice names come from the locale files (`req-field-*`, `req-choice-*`), so the same details read in
 * Russian or English; staff read a few choices from their side (`req-staff-choice-*`: «Для заявителя»
 * rather than the family's own «Для меня»).
 */
export interface DetailLine {
  label: string;
  value: string;
}

const person = (ref: PersonRef) => ref.name;

function formatDate(isoDate: string, language: string): string {
  return isoDate === LEFT_TO_CURATOR ? isoDate : formatCalendarDate(isoDate, language);
}

export function categoryLabel(t: Translate, category: RequestCategory): string {
  return t(`req-category-${category}`);
}

export type DetailsAudience = 'family' | 'staff';

/** Choices that read differently from the staff's side (the family's «Для меня» is the applicant). */
const staffChoiceSets = new Set(['forWhom']);

export function renderRequestDetails<K extends RequestCategory>(
  category: K,
  details: RequestDetailsByCategory[K],
  t: Translate,
  language = 'ru',
  audience: DetailsAudience = 'family',
): DetailLine[] {
  const line = (field: string, value: string): DetailLine => ({
    label: t(`req-field-${field}`),
    value: value === LEFT_TO_CURATOR ? t(`req-left-to-curator-${audience}`) : value,
  });
  // A choice's label follows «Поле:»: the locale's rule for it (choiceAfterColon), not the button's capital.
  const choice = (set: string, code: string) =>
    choiceAfterColon(
      t,
      t(
        `${audience === 'staff' && staffChoiceSets.has(set) ? 'req-staff-choice' : 'req-choice'}-${set}-${code}`,
      ),
    );
  const lines: DetailLine[] = [];
  // A switch on the widened type: the generic parameter does not narrow `details` by itself.
  const d = { category, details } as {
    [C in RequestCategory]: { category: C; details: RequestDetailsByCategory[C] };
  }[RequestCategory];
  switch (d.category) {
    case 'nanny': {
      lines.push(line('children', d.details.children.map(person).join(', ')));
      const schedule = d.details.schedule;
      lines.push(line('schedule', choice('schedule', schedule.kind)));
      if (schedule.kind === 'once') lines.push(line('date', formatDate(schedule.date, language)));
      else lines.push(line('days', schedule.days.map((day) => choice('weekday', day)).join(', ')));
      lines.push(line('hours', schedule.hours));
      lines.push(line('address', d.details.address));
      break;
    }
    case 'kindergarten_transfer':
      lines.push(line('child', person(d.details.child)));
      lines.push(line('current-kindergarten', d.details.currentKindergarten));
      lines.push(line('wanted-kindergarten', d.details.wantedKindergarten));
      lines.push(line('wanted-date', formatDate(d.details.wantedDate, language)));
      break;
    case 'school_meals':
      lines.push(line('child', person(d.details.child)));
      lines.push(line('school', d.details.school));
      lines.push(line('school-class', d.details.schoolClass));
      lines.push(line('problem', choice('problem', d.details.problem)));
      break;
    case 'psychologist':
      lines.push(line('urgency', choice('urgency', d.details.urgency)));
      lines.push(line('for-whom', choice('forWhom', d.details.forWhom)));
      lines.push(line('format', choice('format', d.details.format)));
      if (d.details.preferredTime) lines.push(line('preferred-time', d.details.preferredTime));
      break;
    case 'elderly_care':
      lines.push(line('relative', person(d.details.relative)));
      lines.push(line('address', d.details.address));
      lines.push(line('help-kind', choice('helpKind', d.details.helpKind)));
      lines.push(line('frequency', choice('frequency', d.details.frequency)));
      break;
    case 'employment':
      lines.push(line('for-whom', choice('forWhom', d.details.forWhom)));
      lines.push(line('occupation', d.details.occupation));
      lines.push(line('wanted-job', d.details.wanted));
      break;
    case 'legal':
      lines.push(line('topic', choice('topic', d.details.topic)));
      lines.push(line('description', d.details.description));
      break;
    case 'medical':
      lines.push(line('for-whom', choice('forWhom', d.details.forWhom)));
      lines.push(line('medical-need', d.details.need));
      break;
    case 'other':
      lines.push(line('text', d.details.text));
      break;
  }
  if (d.details.comment) lines.push(line('comment', d.details.comment));
  return lines;
}

/** The details as plain text, one «Label: value» per line. */
export function formatRequestDetails<K extends RequestCategory>(
  category: K,
  details: RequestDetailsByCategory[K],
  t: Translate,
  language = 'ru',
  audience: DetailsAudience = 'family',
): string {
  return renderRequestDetails(category, details, t, language, audience)
    .map(({ label, value }) => `${label}: ${value}`)
    .join('\n');
}

/**
 * The stored details of a request as readable lines, or undefined when they cannot be read (an older shape,
 * or erased at the family's request): a view of the request must never break on them.
 */
export function readableDetails(
  category: RequestCategory,
  details: unknown,
  t: Translate,
  options: { language?: string; audience?: DetailsAudience } = {},
): DetailLine[] | undefined {
  if (details === null || typeof details !== 'object' || Object.keys(details).length === 0) return undefined;
  try {
    const lines = renderRequestDetails(
      category,
      details as RequestDetailsByCategory[typeof category],
      t,
      options.language,
      options.audience,
    );
    const readable = lines.every((line) => typeof line.value === 'string' && line.value.trim().length > 0);
    return readable && lines.length > 0 ? lines : undefined;
  } catch {
    return undefined;
  }
}
