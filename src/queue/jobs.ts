import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
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

export const deliveryJobSchema = z.object({ notificationId: z.number().int().positive() });
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

export const routingJobId = (outboxId: number) => `outbox-${outboxId}`;
export const deliveryJobId = (notificationId: number) => `notification-${notificationId}`;

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

/** Delivery retries are decided by the sender (PostgreSQL counts the attempts); BullMQ's are for crashes. */
export const deliveryJobOptions: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
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

export function deliveryJob(notificationId: number) {
  return {
    name: 'deliver',
    data: { notificationId } satisfies DeliveryJob,
    opts: { ...deliveryJobOptions, jobId: deliveryJobId(notificationId) },
  };
}
