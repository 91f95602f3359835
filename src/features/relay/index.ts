/** Front door of relay: its composers, its notifications for app.ts, relay modes, and routing relayed messages. */
export { createRelayButtonsComposer, createRelayComposer } from './relay.composer.js';
export { relayNotifications } from './relay.content.js';
export { createHeldMessagesComposer } from './relay.held.composer.js';
export { relayNotificationKinds } from './relay.kinds.js';
export { createRelayModes } from './relay.mode.js';
export {
  firstMessageWaitingFor,
  type ReassignedScope,
  readdressCopiesOfStaff,
  readdressPendingCopies,
} from './relay.readdress.js';
export {
  routeRelayedEdit,
  routeRelayedEventsIn,
  routeRelayedMessage,
  routeRelayedMessagesIn,
} from './relay.routing.js';
