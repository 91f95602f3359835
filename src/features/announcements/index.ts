/**
 * Front door of announcements: a supervisor's (or an admin's) message to families, sent in the lowest send
 * class so that cards, relayed messages, answers and alerts never wait for it; its notifications and progress
 * watch (for the worker role), the routing of `announcement_created`, the opt-out of «Настройки», its composer.
 */
export type { Audience, AudienceFilter } from './announcements.audience.js';
export { audienceFilters } from './announcements.audience.js';
export { createAnnouncementsComposer } from './announcements.composer.js';
export { announcementNotifications } from './announcements.notifications.js';
export { startAnnouncementProgress } from './announcements.progress.js';
export {
  announcementProgress,
  announcementsOffFor,
  countAudience,
  createAnnouncement,
  pendingRecipients,
  setAnnouncementsOff,
} from './announcements.usecases.js';
