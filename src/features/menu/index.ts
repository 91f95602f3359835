/** Front door of menu: /menu, /help, /cancel and the fallback for what nobody else took. */
export { createFallbackComposer } from './fallback.composer.js';
export { createMenuComposer } from './menu.composer.js';
