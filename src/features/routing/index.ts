/**
 * Front door of routing: who gets a request (routeRequest, effectiveCuratorId) and the notices around it,
 * the kinds of its notifications, whom among staff to tell (routing.reads.ts, for relay, deadlines and
 * settings), and its notifications for app.ts.
 */
export { createRoutingNotifications } from './routing.content.js';
export { notificationKinds } from './routing.kinds.js';
export {
  familyMembersOfRequest,
  familyRequestKey,
  notifyStaff,
  onCallCurator,
  pendingNotificationsOfRequest,
  staffChats,
  staffForFamilyMessage,
  staffForFamilyMessages,
  supervisorsFor,
  supervisorsLevelFor,
  supervisorsLevelOfFamily,
  supervisorsOfFamily,
} from './routing.reads.js';
export {
  effectiveCurator,
  effectiveCuratorId,
  notifyFamily,
  notifyFamilyAssigned,
  notifyFamilyWithoutCurator,
  notifyRequestCurator,
  rerouteAfterUnreachable,
  routeRequest,
} from './routing.usecases.js';
