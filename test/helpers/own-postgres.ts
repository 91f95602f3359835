import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp dir, run as the postgres user, on a free port),
 * for tests that restart or stop the database: the shared server is never touched.
 */
export async function startOwnPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'patronazh-pg-'));
  chownSync(
    dir,
    Number((await run('id', ['-u', 'postgres'])).stdout),
    Number((await run('id', ['-g', 'postgres'])).stdout),
  );
  const port = await freePort();
  const data = join(dir, 'data');
  const asPostgres = (command: string) => run('su', ['postgres', '-c', command], { timeout: 120_000 });
  await asPostgres(`${bin}/initdb -D ${data} -A trust -U postgres --no-sync >/dev/null`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const pgCtl = (action: string) =>
    asPostgres(`${bin}/pg_ctl -D ${data} -o "${options}" -l ${dir}/server.log -w -t 60 ${action}`);
  await pgCtl('start');
  await asPostgres(`${bin}/createdb -h 127.0.0.1 -p ${port} -U postgres patronazh`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/patronazh`,
    port,
    /** `pg_ctl restart -m fast`: sessions are ended, the server is back when this resolves. */
    restart: () => pgCtl('restart -m fast'),
    stop: () => pgCtl('stop -m fast'),
    start: () => pgCtl('start'),
    async destroy() {
      await pgCtl('stop -m immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type OwnPostgres = Awaited<ReturnType<typeof startOwnPostgres>>;
