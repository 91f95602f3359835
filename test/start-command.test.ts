import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/spawn.js';
import { startNodeFlags } from './helpers/start-command.js';

// No harness: it reads package.json and the Dockerfile.

describe('how the service starts', () => {
  it('with the same node flags from npm start and from the Dockerfile: a young generation of 16 MiB, an old one growing 2.75-fold', () => {
    const flags = startNodeFlags(repoRoot);
    expect(flags).toEqual(expect.arrayContaining(['--max-semi-space-size=8', '--heap-growing-percent=175']));
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(`${repoRoot}/Dockerfile`, 'utf8'))?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual(['node', ...flags, 'dist/main.js']);
  });
});
