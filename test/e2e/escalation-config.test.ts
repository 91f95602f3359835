import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.js';
import { spawnEntry } from '../helpers/spawn.js';

// No harness: the service must refuse to start; it runs as a process that exits at once.

describe('a bad deadline policy file', () => {
  it('stops the service at start with exit code 1, naming the variable and the key, no stack trace', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'patronazh-bad-policies-')), 'policies.json');
    writeFileSync(path, JSON.stringify({ nanny: { takeWithinMinutes: 0, resolveWithinMinutes: 60 } }));
    const app = spawnEntry('src/main.ts', [], testEnv({ DEADLINE_POLICIES_FILE: path }));
    const { code } = await app.exited;
    expect(code).toBe(1);
    expect(app.stderr()).toContain(
      'DEADLINE_POLICIES_FILE file nanny.takeWithinMinutes must be at least one second',
    );
    expect(app.stderr()).not.toMatch(/\n\s+at /);
  });
});
