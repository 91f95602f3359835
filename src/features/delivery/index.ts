/**
 * Front door of delivery: the notification registry and the types a feature hands it its kinds with,
 * the notifications table's shared writes, retraction of staff messages, and for app.ts and the workers the
 * outbox relay, the reconciler, and the send lanes (the metrics are src/metrics/, loaded on demand).
 */
export type { DeliveryLanes, LaneHead } from './lanes.js';
export { createDeliveryLanes } from './lanes.js';
export type {
  FeatureNotifications,
  NotificationContent,
  NotificationRegistry,
  RenderDeps,
} from './notification-registry.js';
export { createNotificationRegistry } from './notification-registry.js';
export type { Notification } from './notifications.repository.js';
export {
  applicantNameOf,
  createNotificationsRepository,
  familyInChat,
  insertNotifications,
  memberInChat,
  memberReachable,
  reachableMembersOf,
  sentStepsOf,
  withdrawnReason,
  withPendingMadeBefore,
} from './notifications.repository.js';
export type { OutboxRelay } from './outbox-relay.js';
export { createOutboxRelay, markOutboxRouted } from './outbox-relay.js';
export type { Reconciler } from './reconciler.js';
export { createReconciler, dropDeadJobs } from './reconciler.js';
export type { SupervisorsLevel, TakeBack } from './retraction.js';
export {
  lockPendingOfStaff,
  messageIdsOf,
  notRetracted,
  recordStaffView,
  retractHandedOver,
  retractionKind,
  retractionNotifications,
  retractionTargetColumns,
  retractMessages,
  staffViewKind,
  withdrawAndTakeBack,
  withdrawPending,
} from './retraction.js';
export type { UnrecordedSends } from './unrecorded-sends.js';
export { createUnrecordedSends } from './unrecorded-sends.js';
