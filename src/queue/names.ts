/** Every BullMQ queue of the service, in one place so producers and workers agree on names. */
export const queueNames = {
  housekeeping: 'housekeeping',
  /** Outbox events moved here by the relay: pick who must be told, record it, produce notifications. */
  routing: 'routing',
  /** One job per notification row: send it within Telegram's limits. */
  delivery: 'delivery',
  /** Escalation timers: one delayed job per open request (its next ladder step) and digest flushes. */
  deadlines: 'deadlines',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
