import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, testEnv } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import {
  createConfirmedRequestsInBulk,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
  notificationStatusCounts,
} from '../helpers/routing-factories.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

const CHATS = 30;
const REQUESTS = 300;

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/** A counter from the process's /metrics (the first series of it). */
async function metricOf(process: SpawnedProcess, name: string): Promise<number> {
  const { httpPort } = process.logs().find(isStarted) as { httpPort: number };
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`) || row.startsWith(`${name} `));
  return Number(line?.split(' ').at(-1) ?? 0);
}

/** Roles scale apart: two relays and two workers on one PostgreSQL and one Redis, each card sent once. */
describe('two relay and two worker processes at once', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  let emulator: Emulator;
  const processes: SpawnedProcess[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
  });

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGTERM')));
    await emulator?.stop();
    await sql.end();
  });

  it('sends each notification exactly once, the work shared by both workers', async () => {
    const env = testEnv({ TELEGRAM_API_ROOT: emulator.url, REDIS_PREFIX: freshRedisPrefix() });
    for (const role of ['relay', 'relay', 'worker', 'worker']) {
      processes.push(spawnEntry('src/main.ts', [`--role=${role}`], env));
    }
    await Promise.all(processes.map((process) => process.waitForLog(isStarted, 60_000)));

    const district = await districtByCode(db, 'lev-tolstoy');
    const chats: number[] = [];
    const familyIds: number[] = [];
    for (let i = 0; i < CHATS; i += 1) {
      const chat = emulator.createUser({ first_name: `Куратор ${i}` }).id;
      const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
      const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: curator.id });
      chats.push(chat);
      familyIds.push(family.id);
    }
    const created = await createConfirmedRequestsInBulk(db, familyIds, REQUESTS);
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === REQUESTS,
      150_000,
      'all notifications sent',
    );

    const expected = new Map<number, string[]>();
    created.forEach((request, index) => {
      const chat = chats[index % CHATS]!;
      expected.set(chat, [...(expected.get(chat) ?? []), `№ ${request.number}`]);
    });
    for (const chat of chats) {
      const received = emulator
        .messages(chat, { from: 'bot' })
        .map((message) => /№ \d+/.exec(message.text ?? '')?.[0]);
      expect(received.sort()).toEqual(expected.get(chat)!.sort());
    }
    const stats = emulator.stats();
    expect(stats.acceptedSends).toBe(REQUESTS);
    expect(stats.maxSendsPerSecondGlobal).toBeLessThanOrEqual(30);
    expect(stats.maxSendsPerSecondPerChat).toBeLessThanOrEqual(1);
    // Each outbox row was claimed by exactly one relay; both workers sent, together each card once.
    const dispatched = await Promise.all(
      processes.slice(0, 2).map((process) => metricOf(process, 'patronazh_relay_dispatched_total')),
    );
    expect(dispatched[0]! + dispatched[1]!).toBe(REQUESTS);
    const sent = await Promise.all(
      processes.slice(2).map((process) => metricOf(process, 'patronazh_notifications_sent_total')),
    );
    expect(sent[0]! + sent[1]!).toBe(REQUESTS);
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[1]).toBeGreaterThan(0);
  }, 300_000);
});
