import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node flags `npm start` runs `dist/main.js` with (package.json's `start` script, `node <flags>
 * dist/main.js`), so that the benchmarks and the tests of the compiled build start the service as it
 * really starts; the Dockerfile's ENTRYPOINT has the same flags (test/start-command.test.ts).
 */
export function startNodeFlags(repoRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^node((?: --[\w-]+(?:=\S+)?)*) dist\/main\.js$/.exec(pkg.scripts.start ?? '');
  if (!match)
    throw new Error(`package.json's start script is not "node [--flags] dist/main.js": ${pkg.scripts.start}`);
  return match[1]!.split(' ').filter(Boolean);
}
