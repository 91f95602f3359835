/**
 * A Bot API emulator: an HTTP server that pretends to be api.telegram.org for tests and the sandbox.
 * Point grammY at it with `new Bot(token, { client: { apiRoot: emulator.apiRoot } })`.
 */
export { createEmulator } from './emulator/create-emulator.js';
export { ControlError, TelegramApiError } from './emulator/errors.js';
export type * from './emulator/types.js';
