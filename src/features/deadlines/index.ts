/** Front door of deadlines: escalations and digests for the worker, the scheduler and reconciler, its notifications. */
export { deadlineNotifications } from './deadlines.content.js';
export type { DeadlinesReconciler } from './deadlines.reconciler.js';
export { createDeadlinesReconciler } from './deadlines.reconciler.js';
export type { DeadlineScheduler } from './deadlines.scheduler.js';
export { createDeadlineScheduler } from './deadlines.scheduler.js';
export { deadlineNotificationKinds, fireEscalation, flushDigest } from './deadlines.usecases.js';
