import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { sandboxPeople } from '../../src/sandbox/seed.js';
import { EmulatorClient } from '../helpers/emulator-client.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import { spawnEntry } from '../helpers/spawn.js';

// Not on useE2E: the sandbox command runs as a process, as a newcomer starts it.

const sandboxEnv = (overrides: Record<string, string>) => ({
  SANDBOX_DATABASE_URL: process.env.DATABASE_URL!,
  SANDBOX_REDIS_URL: process.env.REDIS_URL!,
  SANDBOX_REDIS_PREFIX: `${process.env.REDIS_PREFIX}_sandbox`,
  ...overrides,
});

describe('npm run sandbox', () => {
  it('runs the bot against the emulator, so anyone can talk to it over HTTP', async () => {
    const port = await freePort();
    const sandbox = spawnEntry('src/sandbox/run-sandbox.ts', ['--port', String(port)], sandboxEnv({}));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (sandbox.stdout().includes('sandbox is running')) {
            clearInterval(timer);
            resolve();
          } else if (sandbox.child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(sandbox.stderr()));
          }
        }, 100);
      });
      const client = new EmulatorClient(`http://127.0.0.1:${port}`);
      const user = await client.createUser({ first_name: 'Мария' });
      await client.sendText(user.id, '/start');
      const reply = await client.waitForMessage(user.id, { timeoutMs: 10_000 });
      expect(reply.text).toContain('Патронаж');
      // Telegram's limits are on, as Telegram enforces them, and the start says so.
      expect(await client.limits()).toEqual(telegramRateLimits);
      expect(sandbox.stdout()).toContain("with Telegram's limits on");
      // Short deadlines by default (src/sandbox/policies.sandbox.json), and the start says so.
      expect(sandbox.stdout()).toContain('policies.sandbox.json');
      expect(sandbox.stdout()).toContain(
        'reminds its curator after 1 min, alerts the supervisor after 2 min',
      );

      // The check-in demo: Ольга has «Как у вас дела?»; «Позвоните мне» gives her curator a call task.
      const olga = sandboxPeople.find((person) => person.role === 'family')!;
      const anna = sandboxPeople.find((person) => person.role === 'curator')!;
      const ask = await eventually(
        async () => (await client.messages(olga.telegramId)).find((m) => m.text?.includes('Как у вас дела?')),
        20_000,
        'the sandbox check-in',
      );
      await client.pressButtonByText(olga.telegramId, ask.message_id, 'Позвоните мне');
      await eventually(
        async () =>
          (await client.messages(anna.telegramId)).find((m) =>
            m.text?.includes('Семья просит позвонить: Ольга'),
          ),
        20_000,
        'the call task',
      );

      // The announcement demo: Елена sends one to all families of her districts; Ольга gets it.
      const elena = sandboxPeople.find((person) => person.role === 'supervisor' && person.districtCodes)!;
      const botSays = (userId: number, fragment: string) =>
        eventually(
          async () =>
            (await client.messages(userId)).find((m) => m.from?.is_bot && m.text?.includes(fragment)),
          20_000,
          fragment,
        );
      const steps: Array<[string, string]> = [
        ['/announce', 'Напишите текст объявления'],
        ['Пробное объявление из песочницы.', 'фото или документ'],
        ['Пропустить', 'кнопку «Хочу оформить»'],
        ['Без кнопки', 'Кому отправить?'],
        ['Всем моим районам', 'Отправить всем семьям'],
        ['Всем семьям', 'Семьи, которые отключили объявления'],
        ['✅ Отправить', 'Объявление принято'],
      ];
      for (const [index, [action, reply]] of steps.entries()) {
        if (index < 2) await client.sendText(elena.telegramId, action);
        else await client.pressButtonByText(elena.telegramId, undefined, action);
        await botSays(elena.telegramId, reply);
      }
      await botSays(olga.telegramId, 'Пробное объявление из песочницы.');
    } finally {
      await sandbox.stop('SIGTERM');
    }
  });

  it('names the wrong key of a bad SANDBOX_POLICIES_FILE and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patronazh-policies-'));
    const file = join(dir, 'policies.json');
    const policies = JSON.parse(
      await readFile(new URL('../../src/sandbox/policies.sandbox.json', import.meta.url), 'utf8'),
    ) as Record<string, { takeWithinMinutes: number }>;
    policies.psychologist!.takeWithinMinutes = 0;
    await writeFile(file, JSON.stringify(policies));
    try {
      const port = await freePort();
      const sandbox = spawnEntry(
        'src/sandbox/run-sandbox.ts',
        ['--port', String(port)],
        sandboxEnv({ SANDBOX_POLICIES_FILE: file }),
      );
      expect((await sandbox.exited).code).toBe(1);
      expect(sandbox.stderr()).toContain('psychologist.takeWithinMinutes must be at least one second');
      expect(sandbox.stderr()).toContain(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names a missing Redis and how to start it, and exits 1', async () => {
    const closed = await freePort();
    const sandbox = spawnEntry(
      'src/sandbox/run-sandbox.ts',
      [],
      sandboxEnv({ SANDBOX_REDIS_URL: `redis://127.0.0.1:${closed}/0` }),
    );
    expect((await sandbox.exited).code).toBe(1);
    expect(sandbox.stderr()).toContain(`Redis is not reachable at 127.0.0.1:${closed}`);
    expect(sandbox.stderr()).toContain('docker compose up -d redis');
    expect(sandbox.stderr()).not.toContain('PostgreSQL');
  });

  it('names a missing PostgreSQL and how to start it, and exits 1', async () => {
    const closed = await freePort();
    const sandbox = spawnEntry(
      'src/sandbox/run-sandbox.ts',
      [],
      sandboxEnv({ SANDBOX_DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/patronazh_sandbox` }),
    );
    expect((await sandbox.exited).code).toBe(1);
    expect(sandbox.stderr()).toContain(`PostgreSQL is not reachable at 127.0.0.1:${closed}`);
    expect(sandbox.stderr()).toContain('docker compose up -d postgres');
  });
});
