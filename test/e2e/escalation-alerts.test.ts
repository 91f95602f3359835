import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { supervisorAlerts } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually } from '../helpers/pipeline.js';
import { createStaffMember, districtByCode, type StaffMemberOptions } from '../helpers/routing-factories.js';
import {
  createRequestWithPolicies,
  escalatedEvents,
  messagesAbout,
  TAKE_WITHIN_SECONDS,
  writePolicyFile,
} from './escalation-fixtures.js';

/**
 * What supervisors receive besides the ladder of one request: many alerts at once merged into a digest,
 * and the crisis path's immediate alert. Real PostgreSQL and Redis, Telegram emulated, the roles as in
 * production.
 */
const take = TAKE_WITHIN_SECONDS * 1000;
const bot = useE2E({
  env: { DEADLINE_POLICIES_FILE: writePolicyFile() },
  pipeline: { reconcileIntervalMs: 2000 },
});

async function person(name: string, options: Partial<StaffMemberOptions>) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const member = await createStaffMember(bot.db, { telegramId: user.id, fullName: name, ...options });
  return { chat: user.id, id: member.id };
}

async function familyOf(curatorId: number, districtId: number) {
  const user = bot.emulator.createUser({ first_name: 'Семья', language_code: 'ru' });
  const { family } = await createRegisteredFamily(bot.db, {
    telegramId: user.id,
    curatorId,
    districtId,
  });
  return family;
}

describe('an urgent psychologist request', () => {
  it('alerts the district supervisors and the on-call curator at once, besides the card to the curator', async () => {
    const district = await districtByCode(bot.db, 'dankov');
    const other = await districtByCode(bot.db, 'lipetsk-city');
    const curator = await person('Анна Куратор', { districtIds: [district.id] });
    const supervisor = await person('Ольга Районная', { role: 'supervisor', districtIds: [district.id] });
    const onCall = await person('Пётр Дежурный', { districtIds: [other.id], onCall: true });
    const family = await familyOf(curator.id, district.id);

    const request = await createRequestWithPolicies(bot.db, {
      familyId: family.id,
      category: 'psychologist',
      priority: 'urgent',
    });
    const card = await bot.emulator.waitForMessage(
      curator.chat,
      (m) => m.text?.includes(`№ ${request.number}`) ?? false,
      15_000,
    );
    expect(card.text).toContain('Срочная заявка');
    const alert = await bot.emulator.waitForMessage(
      supervisor.chat,
      (m) => m.text?.includes(`№ ${request.number}`) ?? false,
      15_000,
    );
    expect(alert.text).toContain('нужна помощь психолога прямо сейчас');
    expect(alert.text).toContain('Куратор: Анна Куратор');
    // Every sentence starts with a capital (a district name such as «городской округ…» follows «Район:»).
    expect(alert.text).toContain(`Район: ${district.name}. Куратор: Анна Куратор.`);
    for (const line of alert.text?.split('\n') ?? []) expect(line).not.toMatch(/^\p{Ll}/u);
    expect(alert.reply_markup?.inline_keyboard.flat()).toEqual([
      { text: 'Открыть', callback_data: `sup:${request.id}:open` },
      { text: 'Переназначить', callback_data: `sup:${request.id}:reassign` },
    ]);
    const standBy = await bot.emulator.waitForMessage(
      onCall.chat,
      (m) => m.text?.includes(`№ ${request.number}`) ?? false,
      15_000,
    );
    expect(standBy.text).toContain('Вы дежурный куратор');
    expect(standBy.reply_markup).toBeUndefined();

    // Once each, recorded in the request's history; the curator got the card only.
    await eventually(async () => (await escalatedEvents(bot.db, request.id)).length === 1, 5000, 'the event');
    expect((await escalatedEvents(bot.db, request.id))[0]!.data).toMatchObject({
      urgent: true,
      staffIds: [supervisor.id, onCall.id].sort((a, b) => a - b),
    });
    expect(messagesAbout(bot.emulator, supervisor.chat, request.number)).toHaveLength(1);
    expect(messagesAbout(bot.emulator, onCall.chat, request.number)).toHaveLength(1);
    expect(messagesAbout(bot.emulator, curator.chat, request.number)).toHaveLength(1);
  }, 60_000);
});

describe('20 overdue requests for one supervisor within a minute', () => {
  it('reach them as five alerts and one digest of the other fifteen, not as 20 messages', async () => {
    const district = await districtByCode(bot.db, 'lebedyan');
    const curator = await person('Вера Куратор', { districtIds: [district.id] });
    const supervisor = await person('Нина Районная', { role: 'supervisor', districtIds: [district.id] });
    // Created long enough ago that every take level is due at once (the regional ones go to nobody here).
    const createdAt = new Date(Date.now() - take * 2 - 1000);
    const created = [];
    for (let i = 0; i < 20; i += 1) {
      const family = await familyOf(curator.id, district.id);
      created.push(await createRequestWithPolicies(bot.db, { familyId: family.id, createdAt }));
    }
    const numbers = created.map((request) => `№ ${request.number}`).sort();

    const digest = await bot.emulator.waitForMessage(
      supervisor.chat,
      (m) => m.text?.startsWith('Ещё просроченные заявки') ?? false,
      150_000,
    );
    expect(digest.text).toContain('Ещё просроченные заявки за последнюю минуту: 15.');
    expect(digest.reply_markup?.inline_keyboard.flat()).toEqual([
      { text: 'Все просроченные', callback_data: 'sup:overdue' },
    ]);

    const received = bot.emulator.messages(supervisor.chat, { from: 'bot' });
    const alerts = received.filter((m) => m.text?.includes('просрочена.'));
    expect(alerts).toHaveLength(5);
    expect(received).toHaveLength(6);
    // Every request is named exactly once across the five alerts and the digest.
    const named = [...alerts, digest].flatMap((m) => m.text?.match(/№ \d+/g) ?? []).sort();
    expect(named).toEqual(numbers);

    // In PostgreSQL: 20 alerts for this supervisor, all delivered, through six notifications.
    const rows = await bot.db
      .select({ notificationId: supervisorAlerts.notificationId })
      .from(supervisorAlerts)
      .where(eq(supervisorAlerts.staffId, supervisor.id));
    expect(rows).toHaveLength(20);
    expect(rows.every((row) => row.notificationId !== null)).toBe(true);
    expect(new Set(rows.map((row) => row.notificationId)).size).toBe(6);
  }, 180_000);
});
