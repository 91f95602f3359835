import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/app.js';
import { useE2E } from '../helpers/e2e.js';
import { freePort } from '../helpers/ports.js';
import type { SpawnedProcess } from '../helpers/spawn.js';

/** `--role=all` runs its roles as child processes and brings back the one that dies; a crash is logged. */
const e2e = useE2E({ bot: false, pipeline: false, limits: false });
let service: SpawnedProcess | undefined;
afterEach(async () => {
  await service?.stop('SIGTERM');
  service = undefined;
});

/** The service as a process of its own (each test's ends with the test). */
async function startService(role: Role, extra: Record<string, string> = {}) {
  const port = await freePort();
  service = e2e.spawnRole(role, { HTTP_PORT: String(port), ...extra });
  return { service, healthUrl: `http://127.0.0.1:${port}/healthz` };
}

const roleStarted = (role: string) => (line: Record<string, unknown>) =>
  line.msg === 'role started' && line.role === role;

describe('--role=all', () => {
  it('starts a killed role again, and the others and /healthz stay up', async () => {
    const { service, healthUrl } = await startService('all');
    // Five processes start (the supervisor and its four roles): slow on a loaded machine.
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
    const user = e2e.emulator.createUser({ first_name: 'Ирина', language_code: 'ru' });
    e2e.emulator.sendText(user.id, '/start');
    expect((await e2e.emulator.waitForMessage(user.id)).text).toContain('Патронаж');
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
    const { service } = await startService('worker', { NODE_OPTIONS: `--import=${script}` });
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
