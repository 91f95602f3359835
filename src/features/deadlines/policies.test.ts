import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../config.js';
import {
  DEFAULT_POLICIES_FILE,
  deadlinesFor,
  defaultPolicies,
  loadDeadlinePolicies,
  parseDeadlinePolicies,
} from '../../deadline-policies.js';
import { type LadderRequest, nextStep, stepKey } from './deadlines.ladder.js';

const valid = { BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP' };

function fileWith(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patronazh-policy-test-')), 'policies.json');
  writeFileSync(path, content);
  return path;
}

function problemsOf(file: string): string[] {
  try {
    createConfig({ ...valid, DEADLINE_POLICIES_FILE: file });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

const withChange = (change: (policies: Record<string, unknown>) => void) => {
  const policies = JSON.parse(readFileSync(DEFAULT_POLICIES_FILE, 'utf8')) as Record<string, unknown>;
  change(policies);
  return fileWith(JSON.stringify(policies));
};

describe('deadline policies from a file', () => {
  it('the default file holds the SPEC §5 windows and is what the service uses without the variable', () => {
    const loaded = loadDeadlinePolicies(undefined);
    expect(loaded).toEqual({ ok: true, policies: defaultPolicies });
    expect(createConfig(valid).deadlinePolicies).toEqual(defaultPolicies);
    expect(defaultPolicies.psychologistUrgent).toEqual({ takeWithinMinutes: 15, resolveWithinMinutes: 1440 });
    expect(defaultPolicies.legal).toEqual({ takeWithinMinutes: 240, resolveWithinMinutes: 14_400 });
  });

  it('the sandbox file is valid and short: minutes, not hours', () => {
    const loaded = loadDeadlinePolicies(new URL('../../sandbox/policies.sandbox.json', import.meta.url));
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    for (const policy of Object.values(loaded.policies)) {
      expect(policy.takeWithinMinutes).toBeLessThanOrEqual(5);
      expect(policy.resolveWithinMinutes).toBeLessThanOrEqual(30);
    }
  });

  it('takes decimals of a minute, down to one second', () => {
    const file = withChange((p) => {
      p.nanny = { takeWithinMinutes: 0.1, resolveWithinMinutes: 0.5 };
    });
    const config = createConfig({ ...valid, DEADLINE_POLICIES_FILE: file });
    expect(config.deadlinePolicies.nanny).toEqual({ takeWithinMinutes: 0.1, resolveWithinMinutes: 0.5 });
    const created = new Date('2026-11-25T10:00:00Z');
    expect(deadlinesFor('nanny', 'normal', created, config.deadlinePolicies)).toEqual({
      takeDeadlineAt: new Date('2026-11-25T10:00:06Z'),
      resolveDeadlineAt: new Date('2026-11-25T10:00:30Z'),
    });
  });

  it('names the variable and the problem: a missing file, broken JSON', () => {
    expect(problemsOf('/nonexistent/policies.json')).toEqual([
      'DEADLINE_POLICIES_FILE cannot be read (ENOENT)',
    ]);
    expect(problemsOf(fileWith('{ "nanny": '))[0]).toMatch(/^DEADLINE_POLICIES_FILE file is not valid JSON/);
  });

  it('names the key of a bad value, a missing category, an unknown key, take longer than resolve', () => {
    expect(
      problemsOf(
        withChange((p) => {
          p.nanny = { takeWithinMinutes: -5, resolveWithinMinutes: 60 };
        }),
      ),
    ).toEqual([
      'DEADLINE_POLICIES_FILE file nanny.takeWithinMinutes must be at least one second (1/60 of a minute)',
    ]);
    expect(
      problemsOf(
        withChange((p) => {
          p.legal = { takeWithinMinutes: '4h', resolveWithinMinutes: 60 };
        }),
      )[0],
    ).toBe('DEADLINE_POLICIES_FILE file legal.takeWithinMinutes must be a number of minutes');
    expect(
      problemsOf(
        withChange((p) => {
          delete p.medical;
        }),
      )[0],
    ).toMatch(/^DEADLINE_POLICIES_FILE file medical /);
    expect(
      problemsOf(
        withChange((p) => {
          p.nany = { takeWithinMinutes: 1, resolveWithinMinutes: 2 };
        }),
      )[0],
    ).toMatch(/^DEADLINE_POLICIES_FILE file .*nany/);
    expect(
      problemsOf(
        withChange((p) => {
          p.other = { takeWithinMinutes: 100, resolveWithinMinutes: 10 };
        }),
      ),
    ).toEqual([
      'DEADLINE_POLICIES_FILE file other takeWithinMinutes must not be longer than resolveWithinMinutes',
    ]);
  });

  it('parseDeadlinePolicies refuses a file that is not an object', () => {
    expect(parseDeadlinePolicies('[]').ok).toBe(false);
  });
});

describe('the ladder', () => {
  const created = new Date('2026-11-25T10:00:00Z');
  const request = (status: LadderRequest['status']): LadderRequest => ({
    id: 1,
    category: 'nanny',
    priority: 'normal',
    status,
    ...deadlinesFor('nanny', 'normal', created),
  });
  const at = (minutes: number) => new Date(created.getTime() + minutes * 60_000);

  it('a request waiting to be taken: half the window, the deadline, twice the window — then the resolve clock', () => {
    const fired = new Set<ReturnType<typeof stepKey>>();
    const seen: string[] = [];
    for (;;) {
      const step = nextStep(request('assigned'), fired, defaultPolicies);
      if (!step) break;
      seen.push(`${stepKey(step)}@${(step.dueAt.getTime() - created.getTime()) / 60_000}`);
      fired.add(stepKey(step));
    }
    // nanny: take within 2 h, resolve within 3 days (4320 min).
    expect(seen).toEqual([
      'take:reminder@60',
      'take:district@120',
      'take:regional@240',
      'resolve:reminder@2160',
      'resolve:district@4320',
      'resolve:regional@8640',
    ]);
    expect(at(60)).toEqual(nextStep(request('new'), new Set(), defaultPolicies)?.dueAt);
  });

  it('taking stops the take clock; closing stops both; a public holiday or a night changes nothing', () => {
    expect(nextStep(request('in_progress'), new Set(), defaultPolicies)).toMatchObject({
      clock: 'resolve',
      level: 'reminder',
      dueAt: at(2160),
    });
    for (const status of ['resolved', 'rejected', 'cancelled'] as const) {
      expect(nextStep(request(status), new Set(), defaultPolicies)).toBeUndefined();
    }
    // 31 December at 23:00 Moscow time: the reminder still comes an hour later, on 1 January.
    const newYearsEve = new Date('2026-12-31T20:00:00Z');
    const holiday = { ...request('new'), ...deadlinesFor('nanny', 'normal', newYearsEve) };
    expect(nextStep(holiday, new Set(), defaultPolicies)?.dueAt).toEqual(new Date('2026-12-31T21:00:00Z'));
  });
});
