import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { escalationClocks, escalationLevels } from '../db/schema/enums.js';
import { outboxEventSchema } from './outbox.js';

/**
 * Job payloads carry ids only, never personal data. Job ids are derived from the database row the job
 * stands for, so adding the same job twice (a second relay pass, the reconciler) is a no-op while it exists.
 */
export const routingJobSchema = z.intersection(
  z.object({ outboxId: z.number().int().positive() }),
  outboxEventSchema,
);
export type RoutingJob = z.infer<typeof routingJobSchema>;

export const routingJobId = (outboxId: number) => `outbox-${outboxId}`;

/**
 * Finished jobs are removed: PostgreSQL keeps the state, and a kept failed job would block the reconciler
 * from re-adding the same job id.
 */
export const routingJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

export function routingJob(outboxId: number, event: z.infer<typeof outboxEventSchema>) {
  return {
    name: event.kind,
    data: { outboxId, ...event } satisfies RoutingJob,
    opts: { ...routingJobOptions, jobId: routingJobId(outboxId) },
  };
}

/** The next ladder step of one request (SPEC §5); the worker re-checks the request in PostgreSQL. */
export const escalationJobSchema = z.object({
  requestId: z.number().int().positive(),
  clock: z.enum(escalationClocks),
  level: z.enum(escalationLevels),
});
export type EscalationJob = z.infer<typeof escalationJobSchema>;

/** Merge the alerts waiting for one supervisor's digest into one message. */
export const digestJobSchema = z.object({ staffId: z.number().int().positive() });
export type DigestJob = z.infer<typeof digestJobSchema>;

export const escalationJobId = (step: EscalationJob) => `esc-${step.requestId}-${step.clock}-${step.level}`;
export const digestJobId = (staffId: number, firstAlertId: number) => `digest-${staffId}-${firstAlertId}`;

export const deadlineJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

export function escalationJob(step: EscalationJob, delayMs: number) {
  return {
    name: 'escalate',
    data: { requestId: step.requestId, clock: step.clock, level: step.level } satisfies EscalationJob,
    opts: { ...deadlineJobOptions, jobId: escalationJobId(step), delay: Math.max(0, Math.round(delayMs)) },
  };
}

export function digestJob(staffId: number, firstAlertId: number, delayMs: number) {
  return {
    name: 'digest',
    data: { staffId } satisfies DigestJob,
    opts: {
      ...deadlineJobOptions,
      jobId: digestJobId(staffId, firstAlertId),
      delay: Math.max(0, Math.round(delayMs)),
    },
  };
}

/** A consultation's reminder (features/psychologists), on the deadlines queue: 24 h and 1 h before it. */
export const consultationLeads = ['24h', '1h'] as const;
export type ConsultationLead = (typeof consultationLeads)[number];
export const consultationReminderJobSchema = z.object({
  consultationId: z.number().int().positive(),
  lead: z.enum(consultationLeads),
});
export type ConsultationReminderJob = z.infer<typeof consultationReminderJobSchema>;
export const consultationReminderJobId = (job: ConsultationReminderJob) =>
  `psy-${job.consultationId}-${job.lead}`;

export function consultationReminderJob(job: ConsultationReminderJob, delayMs: number) {
  return {
    name: 'consultation-reminder',
    data: { consultationId: job.consultationId, lead: job.lead } satisfies ConsultationReminderJob,
    opts: {
      ...deadlineJobOptions,
      jobId: consultationReminderJobId(job),
      delay: Math.max(0, Math.round(delayMs)),
    },
  };
}
