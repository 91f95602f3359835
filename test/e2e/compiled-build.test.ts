import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import { repoRoot, type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

// Not on useE2E: it builds dist/ and runs it with plain node as a process, which the harness's in-process roles are not.

/**
 * What `npm start` and the Dockerfile run: the build `npm ci` makes (`prepare` → `npm run build`), started by
 * plain node, without tsx. The file builds first (incremental: a few seconds when dist/ is up to date), so
 * the suite needs no build step of its own and never tests a stale dist/.
 */
type Emulator = ReturnType<typeof createEmulator>;

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';
const CONSENT_TITLE = 'Согласие на обработку персональных данных';

/** The command line of a running process, as `ps` shows it. */
function commandLine(pid: number) {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

// One emulator (Telegram's limits on) for both processes, each on a Redis prefix of its own.
let emulator: Emulator;
beforeAll(async () => {
  emulator = createEmulator({
    token: TEST_BOT_TOKEN,
    botUsername: TEST_BOT_USERNAME,
    limits: telegramRateLimits,
  });
  await Promise.all([
    emulator.start(),
    promisify(execFile)('npm', ['run', 'build'], { cwd: repoRoot, env: process.env }),
  ]);
}, 600_000);
afterAll(() => emulator?.stop());

/** `node dist/main.js --role=<role> [flags]` against the emulator, once it has logged that it started. */
async function startCompiled(role: 'bot' | 'all', env: Record<string, string> = {}, flags: string[] = []) {
  const app = spawnEntry(
    'dist/main.js',
    [`--role=${role}`, ...flags],
    testEnv({ TELEGRAM_API_ROOT: emulator.url, REDIS_PREFIX: freshRedisPrefix(), ...env }),
  );
  await app.waitForLog((line) => isStarted(line) && line.role === role, 180_000);
  return app;
}

/** SIGTERM to the process group, then its exit code once its output has been read to the end. */
async function stopAndDrain(app: SpawnedProcess) {
  const closed = once(app.child, 'close');
  const { code } = await app.stop('SIGTERM');
  await closed;
  return code;
}

describe('the compiled bot role (node dist/main.js --role=bot)', () => {
  let app: SpawnedProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // A database that does not exist yet: the build must find migrations/ from dist/db as it does from src/db.
    const database = new URL(process.env.DATABASE_URL!);
    database.pathname = `${database.pathname}_dist`;
    app = await startCompiled('bot', { DATABASE_URL: database.toString(), HTTP_PORT: String(port) });
  }, 200_000);
  afterAll(() => app?.stop('SIGKILL'));

  it('runs on plain node, migrates a new database and answers /healthz', async () => {
    expect(commandLine(app.child.pid!).join(' ')).not.toContain('tsx');
    expect(app.logs().find(isStarted)).toMatchObject({ role: 'bot', mode: 'polling' });
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('is a bundle: dist/main.js and its chunks import no other module of dist/', () => {
    const files = readdirSync(`${repoRoot}dist`).filter((file) => /^main(-.+)?\.js$/.test(file));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const text = readFileSync(`${repoRoot}dist/${file}`, 'utf8');
      const relative = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((match) => match[1]);
      expect(
        relative.filter((path) => !/^\.\/main-[^/]+\.js$/.test(path ?? '')),
        file,
      ).toEqual([]);
    }
  });

  it('greets a family with the texts and the consent copied into dist/', async () => {
    const user = emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    emulator.sendText(user.id, '/start');
    const texts = await eventually(
      async () => {
        const sent = emulator.messages(user.id, { from: 'bot' }).map((message) => message.text ?? '');
        return sent.some((text) => text.startsWith(CONSENT_TITLE)) && sent;
      },
      60_000,
      'the consent text',
    );
    expect(texts.join('\n')).toContain('Патронаж');
    expect(texts.join('\n')).not.toMatch(/onboarding-|\{\$/);
  });

  it('shuts down in order on SIGTERM and exits 0', async () => {
    expect(await stopAndDrain(app)).toBe(0);
    expect(app.logs().map((line) => line.msg)).toContain('stopped');
  });
});

describe('the compiled supervisor (node dist/main.js --role=all)', () => {
  let app: SpawnedProcess;

  beforeAll(async () => {
    app = await startCompiled('all');
  }, 200_000);
  afterAll(() => app?.stop('SIGKILL'));

  it('starts each role as node dist/main.js, and SIGTERM ends them all', async () => {
    const supervisor = app.child.pid!;
    const children = readFileSync(`/proc/${supervisor}/task/${supervisor}/children`, 'utf8')
      .trim()
      .split(' ')
      .map(Number);
    const commands = children.map(commandLine);
    for (const args of commands) expect(args.join(' ')).not.toContain('tsx');
    // npm start's node flags (the young and old generations' sizes) reach the roles too.
    for (const args of commands)
      expect(args).toEqual(expect.arrayContaining(['--max-semi-space-size=8', '--heap-growing-percent=175']));
    expect(commands.map((args) => args.slice(-2).join(' ')).sort()).toEqual(
      ['bot', 'relay', 'web', 'worker'].map((role) => `${repoRoot}dist/main.js --role=${role}`),
    );

    expect(await stopAndDrain(app)).toBe(0);
    // Each role shut itself down in order (the test's clean-up kills the group only afterwards).
    const stopped = app.logs().filter((line) => line.msg === 'stopped');
    expect(stopped.map((line) => line.pid)).toEqual(expect.arrayContaining([...children, supervisor]));
  });
});

describe('the compiled service in one process (node dist/main.js --role=all --one-process)', () => {
  let app: SpawnedProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    app = await startCompiled('all', { HTTP_PORT: String(port) }, ['--one-process']);
  }, 200_000);
  afterAll(() => app?.stop('SIGKILL'));

  it('runs every role in the one process: no child processes, /healthz answers, a family is greeted', async () => {
    expect(app.logs().find(isStarted)).toMatchObject({ role: 'all', oneProcess: true, mode: 'polling' });
    const pid = app.child.pid!;
    expect(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()).toBe('');
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });

    const user = emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    emulator.sendText(user.id, '/start');
    await eventually(
      async () =>
        emulator
          .messages(user.id, { from: 'bot' })
          .some((message) => (message.text ?? '').startsWith(CONSENT_TITLE)),
      60_000,
      'the consent text',
    );
  });

  it('shuts every role down in order on SIGTERM and exits 0', async () => {
    expect(await stopAndDrain(app)).toBe(0);
    expect(app.logs().filter((line) => line.msg === 'stopped')).toHaveLength(1);
  });
});
