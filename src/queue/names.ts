/** Every BullMQ queue of the service, in one place so producers and workers agree on names. */
export const queueNames = {
  housekeeping: 'housekeeping',
  /** Outbox events moved here by the relay: pick who must be told, record it, produce notifications. */
  routing: 'routing',
  /** Escalation timers: one delayed job per open request (its next ladder step) and digest flushes. */
  deadlines: 'deadlines',
  /** Reaching families before they ask: check-ins every few minutes, offers of support measures daily. */
  outreach: 'outreach',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
