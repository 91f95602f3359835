/** Every BullMQ queue of the service, in one place so producers and workers agree on names. */
export const queueNames = {
  housekeeping: 'housekeeping',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
