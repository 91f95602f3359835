import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The markers that patches/postgres+3.4.9.patch puts into the driver, one per upstream fix it carries. */
const PATCH_MARKERS = ['Patched (porsager/postgres#1209', 'Patched (porsager/postgres#1218'];

/**
 * postgres.js 3.4.9 throws from a timer when a query is written to a connection whose server went away
 * (a PostgreSQL restart), which ends the process (#1209), and may leave a transaction's connection
 * unreserved when its BEGIN fills the pipeline (#1218). patch-package carries the upstream fixes; `npm ci` applies
 * it (postinstall), and so does the Dockerfile. This says whether the driver this process loads has it.
 */
export function isDriverPatched(): boolean {
  const entry = fileURLToPath(import.meta.resolve('postgres'));
  const connection = entry.replace(/index\.js$/, 'connection.js');
  const text = readFileSync(connection, 'utf8');
  return PATCH_MARKERS.every((marker) => text.includes(marker));
}
