/**
 * Front door of psychologists: consultations with the region's psychologists — their schedules and day,
 * the family's booking (offer, calendar, format, move, cancel), reminders on durable timers, the waiting
 * list, confidential notes; its composers, notifications, outbox routing and timers for app.ts.
 */

export { createPsychologistNotifications } from './psychologists.content.js';
export { createConsultationFamilyComposer } from './psychologists.family.composer.js';
export { consultationFigures, consultationStatsText } from './psychologists.figures.js';
export { psychologistKinds } from './psychologists.kinds.js';
export { createPhoneBookingComposer } from './psychologists.phone.composer.js';
export { phoneBookingButton } from './psychologists.phone.js';
export { offerConsultation, offerWaitlisted, routeConsultationChange } from './psychologists.routing.js';
export { saveDemoSchedule } from './psychologists.schedule.js';
export { createPsychologistComposer } from './psychologists.staff.composer.js';
export { cancelBookingsOnDeparture } from './psychologists.staff.js';
export type { ConsultationTimers } from './psychologists.timers.js';
export { createConsultationTimers, fireConsultationReminder } from './psychologists.timers.js';
