import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { createDb, type Db } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { startNodeFlags } from '../helpers/start-command.js';

/**
 * What every scenario runs against: its own PostgreSQL database cloned from a template migrated once per
 * run (`patronazh_bench_<pid>_…`), its own Redis key prefix (`bench<pid>_<scenario>`) in a Redis database
 * index no test uses (9 by default), and child processes tracked so that an interrupted run still drops
 * the databases, deletes the keys and ends the children.
 */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_BOT_TOKEN = '7000000009:BENCH-token-for-the-emulator';

const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const benchRedisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const runTag = `patronazh_bench_${process.pid}`;
const templateDatabase = `${runTag}_template`;

const children = new Set<ChildProcess>();
const databases = new Set<string>();

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Before the first scenario: drops databases left by an earlier run that was killed with SIGKILL (its pid
 * is gone), refuses a Redis index that holds keys of anyone else, and migrates the template once.
 */
export async function prepareRun(): Promise<void> {
  await withAdmin(async (admin) => {
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like 'patronazh_bench_%'`;
    for (const { datname } of stale) {
      const pid = Number(/^patronazh_bench_(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(pid) && !processAlive(pid)) {
        await admin.unsafe(`drop database if exists ${datname} with (force)`);
      }
    }
    await admin.unsafe(`create database ${templateDatabase}`);
  });
  databases.add(templateDatabase);
  await runMigrations(databaseUrl(templateDatabase));

  const redis = new Redis(benchRedisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    const [, foreign] = await redis.scan('0', 'MATCH', '*', 'COUNT', 1000);
    const others = foreign.filter((key) => !key.startsWith('bench'));
    if (others.length > 0) {
      throw new Error(
        `Redis ${benchRedisUrl} holds keys that are not the benchmark's (${others.slice(0, 3).join(', ')}…). ` +
          'The recovery scenario wipes that whole database index: point BENCH_REDIS_URL at an unused index.',
      );
    }
  } finally {
    redis.disconnect();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ScenarioEnv {
  name: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  db: Db;
  /** The app's environment for this scenario (child processes and in-process apps alike). */
  appEnv(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** A fresh database and Redis prefix for one scenario. */
export async function scenarioEnv(name: string): Promise<ScenarioEnv> {
  const database = `${runTag}_${name}`;
  await withAdmin(async (admin) => {
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.unsafe(`create database ${database} template ${templateDatabase}`);
  });
  databases.add(database);
  const url = databaseUrl(database);
  const redisPrefix = `bench${process.pid}_${name}`;
  const { db, sql } = createDb(url, { max: 8 });
  return {
    name,
    databaseUrl: url,
    redisUrl: benchRedisUrl,
    redisPrefix,
    db,
    appEnv: (overrides = {}) => ({
      BOT_TOKEN: BENCH_BOT_TOKEN,
      DATABASE_URL: url,
      REDIS_URL: benchRedisUrl,
      REDIS_PREFIX: redisPrefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '20000',
      ...overrides,
    }),
    async close() {
      await sql.end({ timeout: 5 });
      await deleteRedisPrefix(redisPrefix);
      await withAdmin((admin) => admin.unsafe(`drop database if exists ${database} with (force)`));
      databases.delete(database);
    },
  };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(benchRedisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface ChildUsage {
  cpuMs: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** The heap V8 has taken (used, and free between collections). */
  heapTotalMiB: number;
}

export interface BenchChild {
  child: ChildProcess;
  pid: number;
  /** Waits for a pino line whose msg is `message`; returns it. */
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resident set size of the process itself, in MiB (from /proc). */
  rssMiB(): number;
  /** What the process has used so far, as it measures itself (child-probe.mjs): CPU ms, RSS and heap MiB. */
  probe(): Promise<ChildUsage>;
  stop(): Promise<void>;
  output(): string;
}

/**
 * An entry as its own node process, so the pid is the process that runs the code and its RSS is its own,
 * not a launcher's: a compiled one (`dist/main.js`, as `npm start` runs it) with plain node, a TypeScript
 * one (the floor bot) with `node --import tsx`.
 */
export function spawnBenchChild(entry: string, args: string[], env: Record<string, string>): BenchChild {
  // BENCH_CPU_PROF_DIR=/tmp/prof npm run bench … writes a CPU profile of each child there (node --cpu-prof);
  // test/bench/cpuprofile-summary.ts summarises one (and an allocation profile: allocation-sampling.mjs).
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  // The service with the node flags `npm start` gives it (the Dockerfile has the same).
  const startFlags = entry === 'dist/main.js' ? startNodeFlags(repoRoot) : [];
  // BENCH_NODE_ARGS='--heapsnapshot-signal=SIGUSR1 --diagnostic-dir=/tmp/snap' npm run bench … gives each
  // child these Node flags (here: a heap snapshot on `kill -USR1 <pid>`; or V8 flags to compare).
  const extraNodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const probe = ['--import', pathToFileURL(join(repoRoot, 'test/bench/child-probe.mjs')).href];
  const child = spawn(
    process.execPath,
    [...startFlags, ...profile, ...extraNodeArgs, ...probe, ...loader, entry, ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const waiters = new Set<() => void>();
  // BENCH_CHILD_LOG_DIR=/tmp/logs keeps each child's whole output in <dir>/<entry>-<pid>.log.
  const logFile = process.env.BENCH_CHILD_LOG_DIR
    ? join(process.env.BENCH_CHILD_LOG_DIR, `${basename(entry, '.ts')}-${child.pid}.log`)
    : undefined;
  const onData = (chunk: Buffer) => {
    if (logFile) appendFileSync(logFile, chunk);
    out += chunk.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let probes = 0;
  /** The probe line numbered `seq`, once the child has printed it. */
  const probed = (seq: number) =>
    new Promise<ChildUsage>((resolve, reject) => {
      const check = () => {
        const line = out
          .split('\n')
          .find((candidate) => candidate.includes(`"msg":"bench-probe","seq":${seq},`));
        if (line) {
          cleanup();
          resolve(JSON.parse(line) as ChildUsage);
        } else if (child.exitCode !== null) {
          cleanup();
          reject(new Error(`${entry} exited before answering the probe`));
        }
      };
      const cleanup = () => {
        waiters.delete(check);
        child.off('exit', check);
      };
      waiters.add(check);
      child.once('exit', check);
      check();
    });
  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    waitForLog(message, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of out.split('\n')) {
            if (!line.startsWith('{')) continue;
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (parsed.msg === message) {
              cleanup();
              resolve(parsed);
              return;
            }
          }
          if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`${entry} exited (${child.exitCode}) before "${message}"\n${out.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${entry}: no "${message}" within ${timeoutMs} ms\n${out.slice(-4000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', check);
        };
        waiters.add(check);
        child.once('exit', check);
        check();
      });
    },
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
      return kb / 1024;
    },
    probe() {
      probes += 1;
      const answer = probed(probes);
      child.kill('SIGUSR2');
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Ends every child still running and drops every database of this run; safe to call more than once. */
export async function cleanupRun(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await deleteRedisPrefix(`bench${process.pid}_`).catch(() => undefined);
  await withAdmin(async (admin) => {
    for (const database of [...databases].reverse()) {
      await admin.unsafe(`drop database if exists ${database} with (force)`);
    }
  }).catch(() => undefined);
  databases.clear();
}
