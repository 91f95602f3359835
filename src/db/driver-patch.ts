import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The marker that patches/postgres+3.4.9.patch puts into the driver. */
const PATCH_MARKER = 'Patched (porsager/postgres#1209';

/**
 * postgres.js 3.4.9 throws from a timer when a query is written to a connection whose server went away
 * (a PostgreSQL restart), which ends the process. patch-package carries the upstream fix; `npm ci` applies
 * it (postinstall), and so does the Dockerfile. This says whether the driver this process loads has it.
 */
export function isDriverPatched(): boolean {
  const entry = fileURLToPath(import.meta.resolve('postgres'));
  const connection = entry.replace(/index\.js$/, 'connection.js');
  return readFileSync(connection, 'utf8').includes(PATCH_MARKER);
}
