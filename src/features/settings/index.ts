/** Front door of settings: its composer, and erasure (its notifications, the withdrawn consent's routing). */
export { createSettingsComposer } from './settings.composer.js';
export { erasureNotifications, routeConsentWithdrawn } from './settings.erasure.js';
