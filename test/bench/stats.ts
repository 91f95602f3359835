import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import postgres from 'postgres';

/** Nearest-rank percentile of a sample (ms, counts…); NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(value: number): string {
  return `${fmt(value, value < 10 ? 1 : 0)} ms`;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Cores, memory, CPU model, load, and the versions of node, PostgreSQL and Redis. */
export async function describeMachine(pgAdminUrl: string, redisUrl: string) {
  const admin = postgres(pgAdminUrl, { max: 1, onnotice: () => {} });
  const [{ server_version: pgVersion }] = (await admin`show server_version`) as unknown as [
    { server_version: string },
  ];
  await admin.end();
  const redis = new Redis(redisUrl);
  const info = await redis.info('server');
  redis.disconnect();
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  let kernel = '';
  try {
    kernel = execFileSync('uname', ['-sr']).toString().trim();
  } catch {
    kernel = process.platform;
  }
  const loadAverage = (await import('node:os')).loadavg().map((value) => value.toFixed(2));
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: totalmem() / 1024 ** 3,
    kernel,
    node: process.version,
    postgres: pgVersion,
    redis: redisVersion,
    loadAtStart: loadAverage.join(' / '),
  };
}

export type Machine = Awaited<ReturnType<typeof describeMachine>>;

/** Most events within any sliding window of `windowMs` (times in ms, any order). */
export function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
