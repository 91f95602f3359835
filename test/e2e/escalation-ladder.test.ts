import { describe, expect, it } from 'vitest';
import { fireEscalation } from '../../src/features/deadlines/deadlines.usecases.js';
import { escalationJobId } from '../../src/queue/jobs.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import {
  createRequestWithPolicies,
  escalatedEvents,
  firedSteps,
  messagesAbout,
  RESOLVE_WITHIN_SECONDS,
  TAKE_WITHIN_SECONDS,
  testPolicies,
  withDeadlinesQueue,
  writePolicyFile,
} from './escalation-fixtures.js';

/**
 * The escalation ladder (SPEC §5) end to end, with a 12-second "take within" from a policy file: the bot,
 * the relay and the workers run as in production, Telegram is the emulator, PostgreSQL and Redis are real.
 * The reminder comes at 6 s, the district alert at 12 s, the regional alert at 24 s.
 */
const take = TAKE_WITHIN_SECONDS * 1000;
const resolve = RESOLVE_WITHIN_SECONDS * 1000;
const bot = useE2E({
  env: { DEADLINE_POLICIES_FILE: writePolicyFile() },
  pipeline: { reconcileIntervalMs: 2000 },
  seed: {
    staff: {
      curator: { name: 'Анна Куратор', districts: ['gryazi'] },
      districtSupervisor: { name: 'Ольга Районная', role: 'supervisor', districts: ['gryazi'] },
      regionalSupervisor: { name: 'Ирина Областная', role: 'supervisor', regional: true },
    },
  },
});

async function newRequest(category: 'nanny' | 'legal' = 'nanny') {
  const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
  const { family } = await createRegisteredFamily(bot.db, {
    telegramId: familyUser.id,
    curatorId: bot.seeded.staff.curator.id,
    districtId: bot.seeded.staff.curator.districts[0]!.id,
  });
  const request = await createRequestWithPolicies(bot.db, { familyId: family.id, category });
  return request;
}

const waitFor = (chat: number, number: number, text: string, timeoutMs: number) =>
  bot.emulator.waitForMessage(
    chat,
    (m: StoredMessage) => (m.text?.includes(`№ ${number}`) ?? false) && (m.text?.includes(text) ?? false),
    timeoutMs,
  );

describe('a request nobody takes', () => {
  it('brings the reminder, the district alert and the regional alert — each once, in order, on time', async () => {
    const request = await newRequest();
    const created = request.createdAt.getTime();

    const reminder = await waitFor(bot.seeded.staff.curator.chat, request.number, 'Напоминание', take * 3);
    const districtAlert = await waitFor(
      bot.seeded.staff.districtSupervisor.chat,
      request.number,
      'просрочена',
      take * 4,
    );
    const regionalAlert = await waitFor(
      bot.seeded.staff.regionalSupervisor.chat,
      request.number,
      'просрочена',
      take * 6,
    );

    // What each person read.
    expect(reminder.text).toContain('ждёт, чтобы её взяли в работу');
    expect(reminder.text).toContain('Няня, Грязинский');
    expect(districtAlert.text).toMatch(/Заявка № \d+ просрочена\.\nЕё не взяли в работу\.\nНяня, Грязинский/);
    expect(districtAlert.text).toContain('Куратор: Анна Куратор');
    // Fired at the deadline itself: no «опоздание 0 с».
    expect(districtAlert.text).toContain('Срок истёк только что');
    expect(districtAlert.text).not.toContain('опоздание 0');
    expect(regionalAlert.text).toContain('просрочена вдвое');
    // Twice the window late is never «только что», however short the window.
    expect(regionalAlert.text).toMatch(/Срок был: .+, опоздание \d+ с\./);
    expect(regionalAlert.text).toContain('Руководители района уже получили оповещение');
    for (const alert of [districtAlert, regionalAlert]) {
      expect(alert.reply_markup?.inline_keyboard.flat()).toEqual([
        { text: 'Открыть', callback_data: `sup:${request.id}:open` },
        { text: 'Переназначить', callback_data: `sup:${request.id}:reassign` },
      ]);
    }

    // In PostgreSQL: three levels, in order, each at its offset (never early, late by a few seconds at most
    // on a loaded machine), each with its history event.
    const fired = await firedSteps(bot.db, request.id);
    expect(fired.map((step) => `${step.clock}:${step.level}`)).toEqual([
      'take:reminder',
      'take:district',
      'take:regional',
    ]);
    const offsets = fired.map((step) => step.firedAt.getTime() - created);
    [take / 2, take, take * 2].forEach((due, index) => {
      expect(offsets[index]).toBeGreaterThanOrEqual(due - 500);
      expect(offsets[index]).toBeLessThan(due + 5000);
    });
    const events = await escalatedEvents(bot.db, request.id);
    expect(events.map((event) => `${event.data.clock}:${event.data.level}`)).toEqual([
      'take:reminder',
      'take:district',
      'take:regional',
    ]);

    // Exactly once each: after everything due has been delivered, nobody has a second copy.
    await eventually(
      async () => (await pendingTimers(request.id)).every((id) => !id.includes('-take-')),
      take,
      'the take clock finished',
    );
    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.curator.chat, request.number).filter((m) =>
        m.text?.includes('Напоминание'),
      ),
    ).toHaveLength(1);
    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.districtSupervisor.chat, request.number),
    ).toHaveLength(1);
    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.regionalSupervisor.chat, request.number),
    ).toHaveLength(1);
  }, 90_000);
});

describe('taking the request in time', () => {
  it('cancels the alerts still pending: no supervisor hears of it', async () => {
    const request = await newRequest();
    const card = await waitFor(bot.seeded.staff.curator.chat, request.number, 'Новая заявка', take);
    await waitFor(bot.seeded.staff.curator.chat, request.number, 'Напоминание', take * 3);
    // The district alert is the pending timer now.
    expect(await pendingTimers(request.id)).toEqual([
      escalationJobId({ requestId: request.id, clock: 'take', level: 'district' }),
    ]);

    bot.emulator.pressButtonByText(bot.seeded.staff.curator.chat, card.message_id, 'Взять в работу');
    await eventually(
      async () => {
        const timers = await pendingTimers(request.id);
        return timers.length === 1 && timers[0]!.includes('-resolve-') ? timers : undefined;
      },
      take,
      'the take timers replaced by the resolve clock',
    );

    // Even a timer that escaped removal fires nothing: the worker re-checks the request in PostgreSQL.
    const late = new Date(request.createdAt.getTime() + take * 3);
    expect(
      await fireEscalation(
        { db: bot.db, policies: testPolicies, now: late },
        { requestId: request.id, clock: 'take', level: 'district' },
      ),
    ).toMatchObject({ outcome: 'clock_stopped' });

    // Past the district deadline (and a margin), nothing reached the supervisors.
    await eventually(
      async () => Date.now() > request.createdAt.getTime() + take * 2 + 3000,
      take * 3,
      'twice the deadline and a margin',
    );
    expect(messagesAbout(bot.emulator, bot.seeded.staff.districtSupervisor.chat, request.number)).toEqual([]);
    expect(messagesAbout(bot.emulator, bot.seeded.staff.regionalSupervisor.chat, request.number)).toEqual([]);
    expect((await firedSteps(bot.db, request.id)).map((s) => s.level)).toEqual(['reminder']);
  }, 90_000);
});

describe('Redis wiped between the reminder and the deadline', () => {
  it('still brings the district alert, once', async () => {
    const request = await newRequest();
    await waitFor(bot.seeded.staff.curator.chat, request.number, 'Напоминание', take * 3);
    // Every key of this deployment's prefix, as FLUSHALL would: the timers are gone.
    expect(await wipeRedisPrefix(bot.config.redisUrl, bot.config.redisPrefix)).toBeGreaterThan(0);

    const districtAlert = await waitFor(
      bot.seeded.staff.districtSupervisor.chat,
      request.number,
      'просрочена',
      take * 4,
    );
    expect(districtAlert.text).toContain('Её не взяли в работу');
    await waitFor(bot.seeded.staff.regionalSupervisor.chat, request.number, 'просрочена вдвое', take * 6);

    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.districtSupervisor.chat, request.number),
    ).toHaveLength(1);
    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.regionalSupervisor.chat, request.number),
    ).toHaveLength(1);
    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.curator.chat, request.number).filter((m) =>
        m.text?.includes('Напоминание'),
      ),
    ).toHaveLength(1);
    expect((await firedSteps(bot.db, request.id)).map((s) => s.level)).toEqual([
      'reminder',
      'district',
      'regional',
    ]);
  }, 120_000);
});

describe('a request taken at once but not resolved', () => {
  it('brings the resolve ladder: the reminder to the curator, then the district alert', async () => {
    const request = await newRequest('legal');
    const card = await waitFor(bot.seeded.staff.curator.chat, request.number, 'Новая заявка', take);
    bot.emulator.pressButtonByText(bot.seeded.staff.curator.chat, card.message_id, 'Взять в работу');
    await eventually(
      async () => (await pendingTimers(request.id)).some((id) => id.includes('-resolve-reminder')),
      take,
      'the resolve clock scheduled at take',
    );

    const reminder = await waitFor(
      bot.seeded.staff.curator.chat,
      request.number,
      'нужно решить',
      resolve * 2,
    );
    expect(reminder.text).toContain('Юридическая помощь, Грязинский');
    expect(reminder.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toContain('Решена');
    const alert = await waitFor(
      bot.seeded.staff.districtSupervisor.chat,
      request.number,
      'Её не решили',
      resolve * 3,
    );
    expect(alert.text).toContain('Куратор: Анна Куратор');

    const fired = await firedSteps(bot.db, request.id);
    expect(fired.map((step) => `${step.clock}:${step.level}`)).toEqual([
      'resolve:reminder',
      'resolve:district',
    ]);
    const offsets = fired.map((step) => step.firedAt.getTime() - request.createdAt.getTime());
    expect(offsets[0]).toBeGreaterThanOrEqual(resolve / 2 - 500);
    expect(offsets[1]).toBeGreaterThanOrEqual(resolve - 500);
    expect(offsets[1]).toBeLessThan(resolve + 5000);
    // The take clock stopped when it was taken: nothing of it ever fired.
    expect(fired.some((step) => step.clock === 'take')).toBe(false);
  }, 90_000);
});

describe('a timer lost without a wipe (its job deleted, the rest of Redis intact)', () => {
  it('is re-created by the sweep and the reminder comes, late, once', async () => {
    const request = await newRequest();
    await waitFor(bot.seeded.staff.curator.chat, request.number, 'Новая заявка', take);
    const reminderJob = escalationJobId({ requestId: request.id, clock: 'take', level: 'reminder' });
    await eventually(async () => (await pendingTimers(request.id)).includes(reminderJob), take, 'the timer');
    await withDeadlinesQueue(bot.config, (queue) => queue.remove(reminderJob));
    expect(await pendingTimers(request.id)).toEqual([]);

    const reminder = await waitFor(bot.seeded.staff.curator.chat, request.number, 'Напоминание', take * 4);
    expect(reminder.text).toContain('ждёт, чтобы её взяли в работу');
    const [fired] = await firedSteps(bot.db, request.id);
    // Late (the sweep waits until a timer is 5 s overdue), but there.
    expect(fired!.firedAt.getTime()).toBeGreaterThan(request.createdAt.getTime() + take / 2 + 4000);
    expect(
      messagesAbout(bot.emulator, bot.seeded.staff.curator.chat, request.number).filter((m) =>
        m.text?.includes('Напоминание'),
      ),
    ).toHaveLength(1);
  }, 90_000);
});

/** The escalation timers Redis holds for this request (delayed or waiting). */
async function pendingTimers(requestId: number) {
  return withDeadlinesQueue(bot.config, async (queue) => {
    const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'prioritized']);
    return jobs
      .filter((job) => job?.data?.requestId === requestId)
      .map((job) => job.id!)
      .sort();
  });
}
