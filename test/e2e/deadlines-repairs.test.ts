import { describe, expect, it } from 'vitest';
import { type DeadlinePolicies, defaultPolicies } from '../../src/deadline-policies.js';
import { escalationJobId } from '../../src/queue/jobs.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import {
  createRequestWithPolicies,
  firedSteps,
  withDeadlinesQueue,
  writePolicyFile,
} from './escalation-fixtures.js';

/**
 * The deadline reconciler's repairs as an operator sees them on /metrics
 * (`patronazh_deadline_timer_repairs_total{reason}`): none while the timers run by themselves, and each
 * timer put back counted when Redis loses them. A legal request here runs its whole ladder in 24 s
 * (take within 6 s, resolve within 12 s); a medical one reminds at 10 s; a nanny request keeps the SPEC
 * windows (hours), so its first timer waits in Redis for the whole test.
 */
const policies: DeadlinePolicies = {
  ...defaultPolicies,
  legal: { takeWithinMinutes: 6 / 60, resolveWithinMinutes: 12 / 60 },
  // Reminder at 10 s: time enough to delete its timer before it fires, on a loaded machine.
  medical: { takeWithinMinutes: 20 / 60, resolveWithinMinutes: 60 },
};
const bot = useE2E({
  env: { DEADLINE_POLICIES_FILE: writePolicyFile(policies) },
  pipeline: { reconcileIntervalMs: 1000 },
  seed: {
    staff: {
      curator: { name: 'Анна Куратор', districts: ['gryazi'] },
      supervisor: { name: 'Ольга Районная', role: 'supervisor', districts: ['gryazi'] },
    },
  },
});

async function newRequest(category: 'legal' | 'medical' | 'nanny') {
  const user = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
  const { curator } = bot.seeded.staff;
  const { family } = await createRegisteredFamily(bot.db, {
    telegramId: user.id,
    curatorId: curator.id,
    districtId: curator.districts[0]!.id,
  });
  return createRequestWithPolicies(bot.db, { familyId: family.id, category, policies });
}

/** The relay's /metrics, as Prometheus scrapes it: repairs by reason. */
async function repairs(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${bot.pipeline!.relay.httpPort}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^patronazh_deadline_timer_repairs_total\{reason="(\w+)"\} (\d+)$/gm)) {
    counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

describe('timers in normal operation', () => {
  it('fire every step once and need no repair: the counter stays 0 through many sweeps', async () => {
    const requests = [await newRequest('legal'), await newRequest('legal'), await newRequest('legal')];
    // The last step (resolve, regional) is due 24 s after creation; the sweep has run every second since.
    for (const request of requests) {
      await eventually(async () => (await firedSteps(bot.db, request.id)).length === 6, 180_000, 'all steps');
    }
    expect(await repairs()).toEqual({ lost: 0, dead: 0, wiped: 0 });
    for (const request of requests) {
      const steps = (await firedSteps(bot.db, request.id)).map((step) => `${step.clock}:${step.level}`);
      expect(new Set(steps).size).toBe(6);
    }
  }, 300_000);
});

describe('timers Redis lost', () => {
  it('are put back and counted: one timer deleted is "lost", a wiped Redis is "wiped"', async () => {
    const before = await repairs();
    const soon = await newRequest('medical');
    const reminder = escalationJobId({ requestId: soon.id, clock: 'take', level: 'reminder' });
    await eventually(
      async () => withDeadlinesQueue(bot.config, (q) => q.getJob(reminder)),
      60_000,
      'the reminder timer',
    );
    await withDeadlinesQueue(bot.config, (queue) => queue.remove(reminder));
    // Due at 10 s, found 5 s late by the sweep, re-created, fired once.
    await eventually(async () => (await firedSteps(bot.db, soon.id)).length > 0, 90_000, 'the late reminder');
    expect((await repairs()).lost).toBe(before.lost! + 1);

    const waiting = [await newRequest('nanny'), await newRequest('nanny')];
    const firstTimer = (id: number) => escalationJobId({ requestId: id, clock: 'take', level: 'reminder' });
    for (const request of waiting) {
      await eventually(
        async () => withDeadlinesQueue(bot.config, (q) => q.getJob(firstTimer(request.id))),
        60_000,
        'timer',
      );
    }
    expect(await wipeRedisPrefix(bot.config.redisUrl, bot.config.redisPrefix)).toBeGreaterThan(0);
    const after = await eventually(
      async () => {
        const counts = await repairs();
        return counts.wiped! > before.wiped! && counts;
      },
      90_000,
      'the rebuild',
    );
    // Every open request's next timer is back: the two nanny requests and the legal one still running.
    expect(after.wiped).toBeGreaterThanOrEqual(before.wiped! + 2);
    for (const request of waiting) {
      expect(await withDeadlinesQueue(bot.config, (q) => q.getJobState(firstTimer(request.id)))).toBe(
        'delayed',
      );
    }
  }, 300_000);
});
