/** Front door of access: the one rule of who may press what (decideRequestAction), with its refusals. */
export { decideFamilyAccess, openStatuses } from './access.policy.js';
export type { AccessRefusal, StaffMember } from './access.usecases.js';
export {
  accessRefusalText,
  authoriseFamilyAccess,
  authoriseRequestAction,
  staffByTelegramId,
} from './access.usecases.js';
