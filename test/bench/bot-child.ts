import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/app.js';
import { freePort } from '../helpers/ports.js';
import { type BenchChild, type ScenarioEnv, spawnBenchChild } from './bench-env.js';

export interface StartedChild extends BenchChild {
  httpPort: number;
}

/**
 * The service as `npm start` runs it (`node dist/main.js --role=…`; `npm run bench` builds dist/ first) as its own process against the emulator, in webhook mode when the
 * role receives updates (Telegram posts updates to the process, as in production behind a balancer).
 */
export async function startServiceChild(
  env: ScenarioEnv,
  apiRoot: string,
  role: Role,
  extra: Record<string, string> = {},
  /** More arguments after `--role=…` (`--one-process`). */
  flags: string[] = [],
): Promise<StartedChild> {
  const httpPort = await freePort();
  const secret = randomBytes(16).toString('hex');
  const receives = role === 'bot' || role === 'all';
  // The monitoring site on a free port of its own: the default one may be another run's.
  const webPort = role === 'web' || role === 'all' ? await freePort() : undefined;
  const child = spawnBenchChild(
    'dist/main.js',
    [`--role=${role}`, ...flags],
    env.appEnv({
      TELEGRAM_API_ROOT: apiRoot,
      HTTP_PORT: String(httpPort),
      LOG_LEVEL: 'info',
      ...(receives
        ? { WEBHOOK_URL: `http://127.0.0.1:${httpPort}/telegram/webhook`, WEBHOOK_SECRET: secret }
        : {}),
      ...(webPort ? { WEB_HOST: '127.0.0.1', WEB_PORT: String(webPort) } : {}),
      ...extra,
    }),
  );
  await child.waitForLog('started', 90_000);
  return { ...child, httpPort };
}

/** The bare grammY bot (the framework floor) as its own process, in webhook mode. */
export async function startFloorChild(
  apiRoot: string,
  token: string,
  extraEnv: Record<string, string> = {},
): Promise<StartedChild> {
  const httpPort = await freePort();
  const child = spawnBenchChild('test/bench/floor-bot.ts', [], {
    BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    HTTP_PORT: String(httpPort),
    WEBHOOK_URL: `http://127.0.0.1:${httpPort}/telegram/webhook`,
    WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    ...(process.env.BENCH_FLOOR_FETCH ? { BENCH_FLOOR_FETCH: process.env.BENCH_FLOOR_FETCH } : {}),
    ...extraEnv,
  });
  await child.waitForLog('started', 60_000);
  return { ...child, httpPort };
}
