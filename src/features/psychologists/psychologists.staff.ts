import type { Db, DbOrTx } from '../../db/client.js';
import { addDays, regionDate, startOfRegionDay } from '../../time.js';
import { recordStaffView } from '../delivery/index.js';
import { announce, type BookingDeps } from './psychologists.booking.js';
import type { PsychologistReason } from './psychologists.keyboards.js';
import { createPsychologistsRepository } from './psychologists.repository.js';
import { psychologistByTelegramId } from './psychologists.schedule.js';

type Refusal = { ok: false; reason: 'not_psychologist' | 'not_found' | 'not_yet' | 'closed' };

/** `/today` and `/week`: the psychologist's consultations of the region's day or of the next seven days. */
export async function agendaOf(deps: BookingDeps, telegramId: number, span: 'today' | 'week') {
  const psychologist = await psychologistByTelegramId(deps.db, telegramId);
  if (!psychologist) return { ok: false, reason: 'not_psychologist' } as const;
  const today = regionDate(deps.now ?? new Date(), deps.timeZone);
  const from = startOfRegionDay(today, deps.timeZone);
  const to = startOfRegionDay(addDays(today, span === 'today' ? 1 : 7), deps.timeZone);
  const rows = await createPsychologistsRepository({ db: deps.db }).consultationsOfPsychologist(
    psychologist.id,
    from,
    to,
  );
  return { ok: true, rows, staffId: psychologist.id } as const;
}

/** A consultation of this psychologist, locked, for a change. */
async function ownConsultation(deps: BookingDeps, telegramId: number, consultationId: number) {
  const psychologist = await psychologistByTelegramId(deps.db, telegramId);
  if (!psychologist) return { ok: false, reason: 'not_psychologist' } as const;
  const consultation = await createPsychologistsRepository({ db: deps.db }).consultationById(consultationId);
  if (consultation?.psychologistId !== psychologist.id) return { ok: false, reason: 'not_found' } as const;
  return { ok: true, psychologist, consultation } as const;
}

/** «Состоялась» / «Не пришли»: once the consultation has begun, and only while it is still booked. */
export async function markOutcome(
  deps: BookingDeps,
  input: { telegramId: number; consultationId: number; outcome: 'held' | 'no_show' },
): Promise<{ ok: true } | Refusal> {
  const now = deps.now ?? new Date();
  const own = await ownConsultation(deps, input.telegramId, input.consultationId);
  if (!own.ok) return own;
  if (own.consultation.startsAt > now) return { ok: false, reason: 'not_yet' };
  return deps.db.transaction(async (tx) => {
    const closed = await createPsychologistsRepository({ db: tx }).closeConsultation(own.consultation.id, {
      status: input.outcome,
      now,
    });
    if (!closed) return { ok: false, reason: 'closed' } as const;
    await announce(tx, closed.id, input.outcome);
    return { ok: true } as const;
  });
}

/** The psychologist cancels, at any time, with a reason: the family is offered new slots at once. */
export async function cancelByPsychologist(
  deps: BookingDeps,
  input: { telegramId: number; consultationId: number; reason: PsychologistReason },
): Promise<{ ok: true } | Refusal> {
  const now = deps.now ?? new Date();
  const own = await ownConsultation(deps, input.telegramId, input.consultationId);
  if (!own.ok) return own;
  return deps.db.transaction(async (tx) => {
    const closed = await createPsychologistsRepository({ db: tx }).closeConsultation(own.consultation.id, {
      status: 'cancelled',
      reason: input.reason,
      by: 'staff',
      now,
    });
    if (!closed) return { ok: false, reason: 'closed' } as const;
    await announce(tx, closed.id, 'cancelled_by_psychologist');
    return { ok: true } as const;
  });
}

/**
 * A psychologist deactivated by the admin, in the deactivation's transaction (deactivateStaff): each of their
 * future bookings is cancelled with the honest reason «психолог больше не ведёт консультации»; the family is
 * told and offered new slots at once, and the reminders are cleared (the outbox event, as for any
 * cancellation by the psychologist — which tells the family and the curator, never the psychologist).
 * Idempotent; returns how many were cancelled.
 */
export async function cancelBookingsOnDeparture(tx: DbOrTx, staffId: number, now: Date) {
  const repository = createPsychologistsRepository({ db: tx });
  let cancelled = 0;
  for (const { id } of await repository.futureBookedOf(staffId, now)) {
    // One the family cancelled or moved meanwhile stays as the family left it.
    if (!(await repository.closeConsultation(id, { status: 'cancelled', reason: 'left', by: 'staff', now })))
      continue;
    await announce(tx, id, 'cancelled_by_psychologist');
    cancelled += 1;
  }
  return cancelled;
}

/**
 * `/note <№> text`: the psychologist's own notes of their own consultation. The message they typed is about
 * the family: recorded as a staff view, so that the family's erasure or their leaving deletes it from their
 * chat (within Telegram's 48 hours) as it erases the notes.
 */
export async function saveNotes(
  db: Db,
  input: {
    telegramId: number;
    consultationId: number;
    text: string;
    typed: { chatId: number; messageId: number };
  },
) {
  const psychologist = await psychologistByTelegramId(db, input.telegramId);
  if (!psychologist) return { ok: false, reason: 'not_psychologist' } as const;
  const text = input.text.trim().slice(0, 4000);
  const saved = await createPsychologistsRepository({ db }).saveNotes(
    input.consultationId,
    psychologist.id,
    text,
  );
  if (!saved) return { ok: false, reason: 'not_found' } as const;
  await recordStaffView(db, {
    staffId: psychologist.id,
    chatId: input.typed.chatId,
    messageIds: [input.typed.messageId],
    familyId: saved.familyId,
    what: 'typed_note',
    consultationId: input.consultationId,
  });
  return { ok: true } as const;
}

/**
 * A consultation's notes: psychologists only (curators, supervisors and observers never), and every
 * opening is an audit-log row naming who opened them.
 */
export async function openNotes(db: Db, input: { telegramId: number; consultationId: number; now?: Date }) {
  const psychologist = await psychologistByTelegramId(db, input.telegramId);
  if (!psychologist) return { ok: false, reason: 'not_psychologist' } as const;
  const repository = createPsychologistsRepository({ db });
  const consultation = await repository.consultationById(input.consultationId);
  if (!consultation) return { ok: false, reason: 'not_found' } as const;
  await repository.auditNotesOpened({
    staffId: psychologist.id,
    consultationId: consultation.id,
    familyId: consultation.familyId,
    requestId: consultation.requestId,
    now: input.now ?? new Date(),
  });
  return {
    ok: true,
    notes: consultation.notes,
    staffId: psychologist.id,
    familyId: consultation.familyId,
  } as const;
}

/**
 * `/today` and `/week` (names, what each request said, a chat's link) and a consultation's notes show
 * families' data: the message is recorded as a staff view, one row for each family it shows (a notes view
 * names its consultation), so a family's erasure and the psychologist's deactivation take it back.
 */
export async function recordShownToPsychologist(
  db: Db,
  view: {
    staffId: number;
    chatId: number;
    messageId: number;
    what: 'agenda' | 'notes';
    shown: { familyId: number; consultationId?: number }[];
  },
) {
  const families = new Map(view.shown.map((row) => [row.familyId, row.consultationId]));
  for (const [familyId, consultationId] of families) {
    await recordStaffView(db, {
      staffId: view.staffId,
      chatId: view.chatId,
      messageIds: [view.messageId],
      familyId,
      what: view.what,
      ...(view.what === 'notes' && consultationId !== undefined ? { consultationId } : {}),
    });
  }
}

/** What a booking's confirmation says: the consultation, the psychologist, where it is held. */
export async function bookingDetails(db: Db, consultationId: number) {
  const repository = createPsychologistsRepository({ db });
  const consultation = await repository.consultationById(consultationId);
  if (!consultation) return undefined;
  const psychologist = await repository.psychologistCard(consultation.psychologistId);
  const schedule = await repository.scheduleOf(consultation.psychologistId);
  return { consultation, psychologist: psychologist!, address: schedule?.address ?? null };
}
