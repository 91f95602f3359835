import type { Queue } from 'bullmq';
import type { Db } from '../../db/client.js';
import {
  type ConsultationLead,
  consultationLeads,
  consultationReminderJob,
  consultationReminderJobId,
} from '../../queue/jobs.js';
import { notifyStaff } from '../routing/index.js';
import { psychologistKinds } from './psychologists.kinds.js';
import { createPsychologistsRepository } from './psychologists.repository.js';
import { notifyFamilyOf } from './psychologists.routing.js';

const leadMs: Record<ConsultationLead, number> = { '24h': 24 * 3_600_000, '1h': 3_600_000 };
/** A job may run a few milliseconds before its time (clocks of Redis and this host differ slightly). */
const EARLY_TOLERANCE_MS = 500;
const PAGE = 1000;

/** The reminders a booking is owed: those whose time comes after it was booked and before it starts. */
export function remindersOwed(consultation: { startsAt: Date; createdAt: Date }) {
  return consultationLeads
    .map((lead) => ({ lead, dueAt: new Date(consultation.startsAt.getTime() - leadMs[lead]) }))
    .filter((step) => step.dueAt.getTime() > consultation.createdAt.getTime());
}

/**
 * A consultation's reminders as delayed jobs on the deadlines queue, next to the escalation ladder: ids
 * `psy-<id>-<lead>`, payload ids only. PostgreSQL stays the truth (the booking's time and status, and the
 * notifications' dedupe keys), so after a Redis wipe `rebuildAll` puts every owed reminder back (the
 * deadline reconciler calls it when it rebuilds its own timers), and a reminder never goes twice.
 */
export function createConsultationTimers(deps: { db: Db; queue: Queue }) {
  const repository = createPsychologistsRepository({ db: deps.db });
  const jobsOf = (consultation: { id: number; startsAt: Date; createdAt: Date }, now: Date) =>
    remindersOwed(consultation).map((step) =>
      consultationReminderJob(
        { consultationId: consultation.id, lead: step.lead },
        step.dueAt.getTime() - now.getTime(),
      ),
    );
  return {
    /** After a booking or a cancellation: its reminders added, or removed. */
    async sync(consultationId: number, now = new Date()) {
      const consultation = await repository.consultationById(consultationId);
      if (consultation?.status === 'booked' && consultation.startsAt > now) {
        await deps.queue.addBulk(jobsOf(consultation, now));
        return;
      }
      await Promise.all(
        consultationLeads.map((lead) =>
          deps.queue.remove(consultationReminderJobId({ consultationId, lead })).catch(() => 0),
        ),
      );
    },
    /** Every booking still ahead gets its owed reminders back; returns how many timers were added. */
    async rebuildAll(now = new Date()) {
      let afterId = 0;
      let added = 0;
      for (;;) {
        const page = await repository.bookedAfter(now, afterId, PAGE);
        if (page.length === 0) return added;
        afterId = page[page.length - 1]!.id;
        const jobs = page.flatMap((consultation) => jobsOf(consultation, now));
        if (jobs.length > 0) await deps.queue.addBulk(jobs);
        added += jobs.length;
      }
    },
  };
}

export type ConsultationTimers = ReturnType<typeof createConsultationTimers>;

export type ReminderOutcome =
  | { outcome: 'sent'; notificationIds: number[] }
  | { outcome: 'not_due'; dueAt: Date }
  | { outcome: 'gone' };

/**
 * Sends one reminder to the family and the psychologist, at most once (the notifications' dedupe keys):
 * none for a booking cancelled, closed or already begun.
 */
export async function fireConsultationReminder(
  deps: { db: Db; now?: Date },
  job: { consultationId: number; lead: ConsultationLead },
): Promise<ReminderOutcome> {
  const now = deps.now ?? new Date();
  const repository = createPsychologistsRepository({ db: deps.db });
  const consultation = await repository.consultationById(job.consultationId);
  if (consultation?.status !== 'booked' || consultation.startsAt <= now) return { outcome: 'gone' };
  // A day-before reminder that comes back within the last hour (Redis was away) says the wrong thing.
  if (consultation.startsAt.getTime() - now.getTime() <= leadMs['1h'] && job.lead !== '1h')
    return { outcome: 'gone' };
  const dueAt = new Date(consultation.startsAt.getTime() - leadMs[job.lead]);
  if (dueAt.getTime() - EARLY_TOLERANCE_MS > now.getTime()) return { outcome: 'not_due', dueAt };
  const key = `psy:${consultation.id}:reminder:${job.lead}`;
  const payload = { consultationId: consultation.id, lead: job.lead };
  const toFamily = await notifyFamilyOf(deps.db, {
    kind: psychologistKinds.familyReminder,
    dedupeKey: key,
    requestId: consultation.requestId,
    payload,
  });
  const toPsychologist = await notifyStaff(deps.db, [
    {
      staffId: consultation.psychologistId,
      kind: psychologistKinds.staffReminder,
      dedupeKey: `${key}:staff`,
      requestId: consultation.requestId,
      payload,
    },
  ]);
  return { outcome: 'sent', notificationIds: [...toFamily, ...toPsychologist] };
}
