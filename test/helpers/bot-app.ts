import { type E2EOptions, startE2E } from './e2e.js';

export { watchForFailureReplies } from './failure-replies.js';

/**
 * The bot role in this process against an in-process emulator, with its own Redis prefix; plus a database
 * handle for assertions: `startE2E` without the relay and worker roles, `overrides` its environment.
 * `restart()` stops the bot and starts a new one on the same prefix (dialogue state in Redis must carry
 * over). The emulator enforces Telegram's limits (README, «Emulator») unless the test says otherwise, and
 * `stop()` fails the file if any chat got a failure reply it did not allow. A whole file's harness is
 * `useE2E` (test/helpers/e2e.ts).
 */
export async function startBotWithEmulator(
  overrides: Record<string, string> = {},
  options: Pick<E2EOptions, 'via' | 'limits' | 'allowFailureReplies'> = {},
) {
  return startE2E({ ...options, env: overrides, pipeline: false });
}

export type BotUnderTest = Awaited<ReturnType<typeof startBotWithEmulator>>;
