/** Front door of web-access: the monitoring site's one-time links (the bot's /web) and its sessions. */
export { createWebAccessComposer } from './web-access.composer.js';
export {
  endWebSession,
  endWebSessionsOfStaff,
  issueWebLink,
  type RedeemRefusal,
  redeemWebLink,
  startWebSessionFor,
  verifyTelegramLogin,
  WEB_LINK_TTL_MS,
  WEB_SESSION_IDLE_MS,
  type WebViewer,
  webViewerOf,
} from './web-access.usecases.js';
