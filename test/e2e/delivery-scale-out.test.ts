import { describe, expect, it } from 'vitest';
import { curatorsWithAFamilyEach, expectEachChatGotItsCards } from '../helpers/bulk-delivery.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { createConfirmedRequestsInBulk, notificationStatusCounts } from '../helpers/routing-factories.js';
import type { SpawnedProcess } from '../helpers/spawn.js';

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
  const e2e = useE2E({ bot: false, pipeline: false, limits: { global: 30, perChat: 1 } });

  it('sends each notification exactly once, the work shared by both workers', async () => {
    const processes = (['relay', 'relay', 'worker', 'worker'] as const).map((role) => e2e.spawnRole(role));
    await Promise.all(processes.map((process) => process.waitForLog(isStarted, 60_000)));

    const { chats, familyIds } = await curatorsWithAFamilyEach(e2e.db, e2e.emulator, 'lev-tolstoy', CHATS);
    const created = await createConfirmedRequestsInBulk(e2e.db, familyIds, REQUESTS);
    await eventually(
      async () => (await notificationStatusCounts(e2e.db)).sent === REQUESTS,
      150_000,
      'all notifications sent',
    );

    expectEachChatGotItsCards(e2e.emulator, chats, created);
    const stats = e2e.emulator.stats();
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
