import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/worker-setup.ts'],
    // Dialogues run under Telegram's limits (about one message a second to a chat after a short burst).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at a time: each e2e file runs the emulator and three roles; on the 2 cores CI has, four
    // at once pushed the load to 15–20 and put the dialogues' waits at the mercy of CPU contention.
    maxWorkers: 3,
  },
});
