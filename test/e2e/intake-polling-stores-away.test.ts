import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { messages } from '../../src/db/schema/index.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { type E2EWorld, settledOf } from '../helpers/e2e.js';
import { TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { type OwnPostgres, startOwnPostgres } from '../helpers/own-postgres.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import { seedWorld } from '../helpers/seed.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';
import { body, takenRequest } from './relay-fixtures.js';

// Not on useE2E: --role=all runs as a process on a PostgreSQL cluster and a Redis server of this test's own, which it stops.

/**
 * Long polling, the whole service (`--role=all`) on a PostgreSQL cluster and a Redis server of this test's
 * own. Both are stopped; a family's message to its curator arrives meanwhile, so the bot can neither handle
 * it nor keep it in Redis. The bot does not confirm it to Telegram (the getUpdates offset stays on it) and
 * fetches it again once the stores are back: the curator receives it, once, and it is stored once.
 */
let postgres: OwnPostgres;
let redisPort: number;
let redis: ChildProcess | undefined;
let emulator: Emulator;
let service: SpawnedProcess;
let database: ReturnType<typeof createDb>;

async function startRedis() {
  // No persistence: a restarted server is empty, as after a crash without AOF (the relay rebuilds the queues).
  redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const client = new Redis({ port: redisPort, lazyConnect: true, retryStrategy: () => 100 });
  client.on('error', () => undefined);
  await eventually(async () => (await client.ping().catch(() => '')) === 'PONG', 10_000, 'redis-server up');
  client.disconnect();
}

async function stopRedis() {
  const server = redis;
  redis = undefined;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  postgres = await startOwnPostgres();
  redisPort = await freePort();
  await startRedis();
  emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
  await emulator.start();
  service = spawnEntry(
    'src/main.ts',
    ['--role=all'],
    testEnv({
      DATABASE_URL: postgres.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_PREFIX: 'patronazh_polling_test',
      TELEGRAM_API_ROOT: emulator.url,
      HTTP_PORT: String(await freePort()),
    }),
  );
  await service.waitForLog((line) => line.msg === 'started', 180_000);
  database = createDb(postgres.url, { max: 2 });
}, 300_000);

afterAll(async () => {
  if (process.env.POLLING_LOG && service) writeFileSync(process.env.POLLING_LOG, service.stdout());
  await service?.stop('SIGTERM');
  await emulator?.stop();
  await database?.sql.end({ timeout: 1 });
  await stopRedis();
  await postgres?.destroy();
});

describe('long polling while PostgreSQL and Redis are both away', () => {
  it("does not confirm a family's message it could not keep, and delivers it when they are back", async () => {
    const world = { db: database.db, emulator };
    // The fixtures need only the database, the emulator and seeding (not a bot in this process).
    const like = { ...world, seed: (spec) => seedWorld(world, spec) } as E2EWorld;
    const { C, F, card, family, toFamily } = await takenRequest(like);
    emulator.sendText(C, 'Когда вам удобно созвониться?', { replyTo: card.message_id });
    const asked = await toFamily('удобно созвониться');

    await stopRedis();
    await postgres.stop();
    const text = 'Семья: завтра после обеда';
    emulator.sendText(F, text, { replyTo: asked.message_id });
    // The operator's view: the update was neither handled nor kept, and polling holds it.
    const held = await service.waitForLog(
      (line) =>
        line.msg === 'update neither handled nor kept: polling holds it until PostgreSQL or Redis is back',
      60_000,
    );
    expect(held.updateId).toEqual(expect.any(Number));

    // Redis first: the held update is then parked and handled when PostgreSQL follows (with PostgreSQL first it
    // would be handled the way every update is while Redis is away, without the Redis guards).
    await startRedis();
    await postgres.start();
    // Reconnecting takes PostgreSQL's driver up to 20 s (its backoff) and the relay rebuilds the empty Redis.
    const copy = await emulator
      .waitForMessage(C, (m) => body(m).includes('завтра после обеда'), 120_000)
      .catch(() => undefined);
    expect(copy ? body(copy) : 'nothing reached the curator').toContain('завтра после обеда');

    // Once: one copy at the curator, one row in PostgreSQL; and the family never read an error. Read once
    // the service has nothing left to do (no update held or in hand, nothing pending to send).
    const stores = new Redis({ port: redisPort });
    try {
      await settledOf(
        { db: database.db, emulator, redis: stores, prefix: 'patronazh_polling_test', bot: true },
        60_000,
      );
    } finally {
      stores.disconnect();
    }
    const copies = emulator
      .messages(C, { from: 'bot' })
      .filter((m) => body(m).includes('завтра после обеда'));
    expect(copies).toHaveLength(1);
    const stored = await database.db
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.familyId, family.id), eq(messages.text, text)));
    expect(stored).toHaveLength(1);
    const toFamilyTexts = emulator.messages(F, { from: 'bot' }).map(body);
    expect(toFamilyTexts.filter((t) => t.includes('Что-то пошло не так'))).toEqual([]);
  }, 300_000);
});
