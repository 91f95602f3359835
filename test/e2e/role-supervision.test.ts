import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

/** `--role=all` runs its roles as child processes and brings back the one that dies; a crash is logged. */
let emulator: Emulator | undefined;
let service: SpawnedProcess | undefined;
afterEach(async () => {
  await service?.stop('SIGTERM');
  await emulator?.stop();
  service = undefined;
  emulator = undefined;
});

async function startService(args: string[], extra: Record<string, string> = {}) {
  emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
  await emulator.start();
  const port = await freePort();
  service = spawnEntry(
    'src/main.ts',
    args,
    testEnv({
      TELEGRAM_API_ROOT: emulator.url,
      REDIS_PREFIX: freshRedisPrefix(),
      HTTP_PORT: String(port),
      ...extra,
    }),
  );
  return { service, healthUrl: `http://127.0.0.1:${port}/healthz` };
}

const roleStarted = (role: string) => (line: Record<string, unknown>) =>
  line.msg === 'role started' && line.role === role;

describe('--role=all', () => {
  it('starts a killed role again, and the others and /healthz stay up', async () => {
    const { service, healthUrl } = await startService(['--role=all']);
    // Four processes start (the supervisor and its three roles): slow on a loaded machine.
    await service.waitForLog((line) => line.msg === 'started', 180_000);
    const worker = await service.waitForLog(roleStarted('worker'));

    process.kill(Number(worker.pid), 'SIGKILL');
    const exited = await service.waitForLog((line) => line.msg === 'role exited unexpectedly, restarting it');
    // Started again after a quarter of a second (the new process then needs its own start-up time).
    expect(exited).toMatchObject({ level: 'error', role: 'worker', signal: 'SIGKILL', restartInMs: 250 });
    await service.waitForLog((line) => roleStarted('worker')(line) && line.pid !== worker.pid, 120_000);

    const health = await fetch(healthUrl);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok', relay: 'ok', worker: 'ok', bot: 'ok' },
    });
    // The bot role was never touched: a person is answered.
    const user = emulator!.createUser({ first_name: 'Ирина', language_code: 'ru' });
    emulator!.sendText(user.id, '/start');
    expect((await emulator!.waitForMessage(user.id)).text).toContain('Патронаж');
    expect(
      service.logs().filter((line) => line.msg === 'role exited unexpectedly, restarting it'),
    ).toHaveLength(1);
  }, 400_000);
});

describe('a crash', () => {
  it('is one JSON line before the process leaves', async () => {
    // A stray exception thrown from a timer, as the postgres.js bug did, once the role has started.
    const dir = mkdtempSync(join(tmpdir(), 'patronazh-crash-'));
    const script = join(dir, 'crash.mjs');
    writeFileSync(script, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('boom'); }));\n");
    const { service } = await startService(['--role=worker'], { NODE_OPTIONS: `--import=${script}` });
    const started = await service.waitForLog((line) => line.msg === 'started', 120_000);
    process.kill(Number(started.pid), 'SIGUSR2');
    const { code } = await service.exited;
    expect(code).toBe(1);
    const fatal = service.logs().find((line) => line.msg === 'uncaught exception, exiting');
    expect(fatal).toMatchObject({ level: 'fatal', role: 'worker', err: { message: 'boom' } });
    expect(service.stderr()).not.toContain('boom');
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
