import { InlineKeyboard } from 'grammy';
import type { Translate } from '../../i18n.js';
import { formatRegionClock } from '../../time.js';
import { staffButtons } from './psychologists.keyboards.js';
import type { agendaOf } from './psychologists.staff.js';
import { firstNameOf, formatSlot } from './psychologists.views.js';

type AgendaRow = Extract<Awaited<ReturnType<typeof agendaOf>>, { ok: true }>['rows'][number];

/** What the family answered in its request: for whom, the urgency, the preferred time, the comment. */
function answersOf(t: Translate, row: AgendaRow) {
  const details = row.details as Record<string, unknown>;
  const parts = [
    typeof details.forWhom === 'string' ? t('psy-answer-for-whom', { value: details.forWhom }) : undefined,
    details.urgency === 'now' ? t('psy-answer-urgent') : undefined,
    typeof details.preferredTime === 'string' ? details.preferredTime : undefined,
    typeof details.comment === 'string' ? `«${details.comment.slice(0, 300)}»` : undefined,
  ];
  return parts.filter(Boolean).join('; ') || '—';
}

/** For a chat consultation: a link that opens the family member's chat. */
function contactOf(row: AgendaRow) {
  return row.consultation.format === 'chat' && row.memberTelegramId
    ? `tg://user?id=${row.memberTelegramId}`
    : 'none';
}

/** `/today` or `/week` of a psychologist: a line per consultation, a button to each one still booked. */
export function agendaView(t: Translate, rows: AgendaRow[], span: 'today' | 'week', timeZone: string) {
  const lines = rows.map((row) =>
    t('psy-agenda-line', {
      when:
        span === 'today'
          ? formatRegionClock(row.consultation.startsAt, timeZone)
          : formatSlot(t, row.consultation.startsAt, timeZone, { withDay: true }),
      name: firstNameOf(row.memberName),
      format: t('psy-format', { format: row.consultation.format }),
      status: row.consultation.status,
      consultationId: row.consultation.id,
      answers: answersOf(t, row),
      contact: contactOf(row),
    }),
  );
  const keyboard = new InlineKeyboard();
  for (const row of rows.filter((r) => r.consultation.status === 'booked')) {
    const label = `${formatRegionClock(row.consultation.startsAt, timeZone)} · ${firstNameOf(row.memberName)}`;
    keyboard.text(label, staffButtons.encode('view', { consultationId: row.consultation.id })).row();
  }
  return { text: `${t('psy-agenda-head', { span })}\n\n${lines.join('\n\n')}`, keyboard };
}
