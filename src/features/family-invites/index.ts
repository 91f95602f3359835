/** Front door of family-invites: a second member's invite — made from the passport or settings, claimed by onboarding. */
export { createInviteLink } from './family-invites.link.js';
export type { FamilyInviteState } from './family-invites.usecases.js';
export {
  checkFamilyInvite,
  claimFamilyInvite,
  isFamilyInvitePayload,
  isWellFormedFamilyInvite,
  recordFamilyInviteUser,
} from './family-invites.usecases.js';
