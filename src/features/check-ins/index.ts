/**
 * Front door of check-ins: «Как у вас дела?» every few weeks, the family's answers, the curator's call
 * tasks and outcomes, the last contact per family and /silent's list.
 */
export { createCheckInsComposer } from './check-ins.composer.js';
export { lastContactText, myFamiliesContactText } from './check-ins.contact.js';
export { checkInNotifications } from './check-ins.notifications.js';
export { checkInSlot, slotsOpenAt } from './check-ins.schedule.js';
export { checkInKinds, SILENT_LIST_DAYS } from './check-ins.schemas.js';
export {
  answerCheckIn,
  askCheckInNow,
  followUpSilentCheckIns,
  lastContactsOf,
  notifyCheckInCall,
  planCheckIns,
  recordCallOutcome,
  silentFamilies,
} from './check-ins.usecases.js';
