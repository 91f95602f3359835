/** Front door of staff: staff invites, the least-loaded curator, and its composer (deactivation: supervision). */
export { createStaffInviteComposer } from './staff.composer.js';
export type { StaffPresence } from './staff.presence.js';
export { canTakeRequests, familyCuratorOrDeputy, isAway, standingDeputyId } from './staff.presence.js';
export { createStaffRepository, staffReachableNow } from './staff.repository.js';
export {
  activeStaffByTelegramId,
  createStaffInvite,
  leastLoadedCurator,
  redeemStaffInvite,
  StaffInviteInputError,
  supervisorsToTell,
} from './staff.usecases.js';
