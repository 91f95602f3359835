import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { testConfig } from '../helpers/env.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

// Not on useE2E: each test starts a worker alone through proxies of its own and reads /healthz; no emulator is needed.

const silent = createLogger({ level: 'silent' });

function through(url: string, proxyPort: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxyPort);
  return parsed.toString();
}

async function health(port: number) {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
}

describe('/healthz', () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  // postgres.js reports a failed reconnect to the cut proxy as an unhandled rejection; main.ts logs those
  // instead of crashing, and so does this test (anything else still fails it).
  const unexpected: unknown[] = [];
  const onRejection = (error: unknown) => {
    if ((error as { code?: string }).code !== 'ECONNREFUSED') unexpected.push(error);
  };
  beforeAll(() => void process.on('unhandledRejection', onRejection));
  afterAll(() => {
    process.off('unhandledRejection', onRejection);
    expect(unexpected).toEqual([]);
  });
  it('reports PostgreSQL and Redis, and answers 503 when either is down', async () => {
    const pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const config = testConfig({
      DATABASE_URL: through(process.env.DATABASE_URL!, pgProxy.port),
      REDIS_URL: through(process.env.REDIS_URL!, redisProxy.port),
    });
    app = await startApp(config, { role: 'worker', logger: silent });

    expect(await health(app.httpPort)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } },
    });

    await redisProxy.close();
    const redisDown = await health(app.httpPort);
    expect(redisDown.status).toBe(503);
    expect(redisDown.body.checks.postgres).toBe('ok');
    expect(redisDown.body.checks.redis).toMatch(/^down/);

    await pgProxy.close();
    const bothDown = await health(app.httpPort);
    expect(bothDown.status).toBe(503);
    expect(bothDown.body.checks.postgres).toMatch(/^down/);
  });
});
