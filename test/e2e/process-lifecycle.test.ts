import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

// Not on useE2E: it is about processes ending (signals, a parent gone), so the service runs as processes on purpose.

/**
 * Processes end when told, and when the one that started them is gone (issue 12 §7). The service runs as
 * `node --import tsx src/main.ts` (no tsx launcher in between), each in a process group of its own.
 */
const isStarted = (line: Record<string, unknown>) => line.msg === 'started';
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a test process that dies without stopping what it started', () => {
  it('leaves no service process behind: the orphan notices and shuts itself down', async () => {
    const childEnv = testEnv({ REDIS_PREFIX: freshRedisPrefix() });
    const parent = spawnEntry('test/fixtures/spawning-parent.ts', ['--role=worker'], {
      CHILD_ENV: JSON.stringify(childEnv),
    });
    let childPid = 0;
    cleanups.push(async () => {
      await parent.stop('SIGKILL');
      // Only if the guard failed: the orphan's group must not outlive the test either way.
      if (childPid && alive(childPid)) process.kill(-childPid, 'SIGKILL');
    });
    childPid = Number((await parent.waitForLog((line) => line.msg === 'child started', 60_000)).childPid);
    expect(alive(childPid)).toBe(true);

    // SIGKILL: no exit handler of the parent runs, as when vitest's worker is killed or the machine's
    // test runner is interrupted.
    process.kill(parent.child.pid!, 'SIGKILL');
    await parent.exited;
    await eventually(async () => !alive(childPid), 30_000, 'the orphaned worker to end');
  }, 90_000);
});

const SHUTDOWN_TIMEOUT_MS = 5000;
/** Signal delivery and process teardown on a loaded two-core machine; the budget itself is the service's. */
const TEARDOWN_SLACK_MS = 2000;

describe.each(['postgres', 'redis', 'telegram'] as const)('SIGTERM while %s does not answer', (outage) => {
  it(`every role ends within SHUTDOWN_TIMEOUT_MS (${SHUTDOWN_TIMEOUT_MS} ms)`, async () => {
    const emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
    await emulator.start();
    const emulatorPort = Number(new URL(emulator.url).port);
    const proxies = {
      postgres: await startTcpProxy({
        host: '127.0.0.1',
        port: Number(new URL(process.env.DATABASE_URL!).port),
      }),
      redis: await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(process.env.REDIS_URL!).port) }),
      telegram: await startTcpProxy({ host: '127.0.0.1', port: emulatorPort }),
    };
    const processes: SpawnedProcess[] = [];
    cleanups.push(async () => {
      for (const process of processes) await process.stop('SIGKILL');
      for (const proxy of Object.values(proxies)) await proxy.close();
      await emulator.stop();
    });
    const databaseUrl = new URL(process.env.DATABASE_URL!);
    databaseUrl.port = String(proxies.postgres.port);
    const redisUrl = new URL(process.env.REDIS_URL!);
    redisUrl.port = String(proxies.redis.port);
    const env = testEnv({
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisUrl.toString(),
      REDIS_PREFIX: freshRedisPrefix(),
      TELEGRAM_API_ROOT: `http://127.0.0.1:${proxies.telegram.port}`,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    for (const role of ['bot', 'worker', 'relay']) {
      processes.push(spawnEntry('src/main.ts', [`--role=${role}`], env));
    }
    await Promise.all(processes.map((process) => process.waitForLog(isStarted, 60_000)));
    // Something in flight on the way out: a family writes, so the bot and the workers are busy.
    const user = emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    emulator.sendText(user.id, '/start');
    await emulator.waitForMessage(user.id);

    proxies[outage].blackhole();
    const signalledAt = Date.now();
    for (const process of processes) process.signal('SIGTERM');
    const ends = await Promise.all(
      processes.map(async (process) => {
        const { code, signal } = await process.exited;
        return { code, signal, ms: Date.now() - signalledAt };
      }),
    );
    for (const [index, end] of ends.entries()) {
      const logs = processes[index]!.logs().map((line) => line.msg);
      expect(end.signal, `${['bot', 'worker', 'relay'][index]} was killed by a signal`).toBeNull();
      expect(end.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + TEARDOWN_SLACK_MS);
      expect(logs).toContain('signal received');
      expect(logs.includes('stopped') || logs.includes('shutdown took too long, exiting')).toBe(true);
    }
  }, 120_000);
});

/** Whether a process is still running (gone, or a zombie waiting to be reaped, is not). */
function running(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

describe.each(['all', 'bot'] as const)('a signal while --role=%s is still starting', (role) => {
  it(`ends it within SHUTDOWN_TIMEOUT_MS, leaving no process behind (PostgreSQL not answering, so start-up hangs)`, async () => {
    const postgres = await startTcpProxy({
      host: '127.0.0.1',
      port: Number(new URL(process.env.DATABASE_URL!).port),
    });
    postgres.blackhole();
    const databaseUrl = new URL(process.env.DATABASE_URL!);
    databaseUrl.port = String(postgres.port);
    const service = spawnEntry(
      'src/main.ts',
      [`--role=${role}`],
      testEnv({
        DATABASE_URL: databaseUrl.toString(),
        REDIS_PREFIX: freshRedisPrefix(),
        TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      }),
      { keepGroupAfterExit: true },
    );
    const pid = service.child.pid!;
    cleanups.push(async () => {
      await service.stop('SIGKILL');
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
      try {
        process.kill(-pid, 'SIGKILL'); // its roles, should the supervisor have left any
      } catch {
        // the group is gone
      }
      await postgres.close();
    });
    // Start-up is under way: the supervisor has started its four roles (bot, relay, worker, web; the first
    // three at least wait for PostgreSQL), or the role has asked PostgreSQL for its migrations.
    const roles = await eventually(
      async () => {
        if (role === 'bot') return postgres.accepted() > 0 ? [] : undefined;
        const children = childrenOf(pid);
        return children.length === 4 && postgres.accepted() >= 3 ? children : undefined;
      },
      60_000,
      'start-up to reach PostgreSQL',
    );
    expect(service.logs().map((line) => line.msg)).not.toContain('started');

    // To the service's own pid only, as `docker stop` or systemd's main-process signal does.
    const signalledAt = Date.now();
    process.kill(pid, 'SIGTERM');
    const end = await service.exited;
    const ms = Date.now() - signalledAt;

    expect(end.signal, 'killed by the signal instead of handling it').toBeNull();
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + TEARDOWN_SLACK_MS);
    expect(service.logs().map((line) => line.msg)).toContain('signal received');
    // None of its roles outlives it (a moment for the last SIGKILL to land).
    await eventually(async () => roles.every((child) => !running(child)), 2000, 'its roles to end');
  }, 120_000);
});
