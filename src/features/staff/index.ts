/** Front door of staff: staff invites, deactivation, the least-loaded curator, and its composer. */
export { createStaffInviteComposer } from './staff.composer.js';
export { createStaffRepository, staffReachableNow } from './staff.repository.js';
export {
  activeStaffByTelegramId,
  createStaffInvite,
  deactivateStaff,
  leastLoadedCurator,
  redeemStaffInvite,
  StaffInviteInputError,
} from './staff.usecases.js';
