import { eq } from 'drizzle-orm';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { announcements, familyMembers, notifications } from '../../src/db/schema/index.js';
import { announcementProgress, createAnnouncement } from '../../src/features/announcements/index.js';
import { DELIVERY_CONCURRENCY } from '../../src/workers/delivery.worker.js';
import { useE2E } from '../helpers/e2e.js';
import { TEST_BOT_TOKEN } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import { createConfirmedRequest, createStaffMember, districtByCode } from '../helpers/routing-factories.js';

const AUDIENCE = 150;
const MARK = 'Объявление для школьников: бесплатное питание с 1 сентября.';
const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/** `count` registered families in the district, each with a chat in the emulator. */
async function familiesWith(
  e2e: ReturnType<typeof useE2E>,
  count: number,
  options: { districtId: number; children?: 'school' | 'none'; curatorId?: number },
) {
  const made = [];
  for (let i = 0; i < count; i += 1) {
    const chat = e2e.emulator.createUser({ first_name: `Семья ${i}` }).id;
    const family = await createRegisteredFamily(e2e.db, {
      telegramId: chat,
      districtId: options.districtId,
      curatorId: options.curatorId ?? null,
      children: options.children === 'school' ? [{ fullName: 'Петя', institution: 'school' }] : [],
    });
    made.push({ chat, ...family });
  }
  return made;
}

const copiesIn = (e2e: ReturnType<typeof useE2E>, chat: number) =>
  e2e.emulator.messages(chat, { from: 'bot' }).filter((m) => (m.text ?? '').startsWith(MARK)).length;

/**
 * An announcement to the families of one district with school children (issue 16 §2), sent by the worker
 * process under Telegram's limits: it reaches exactly that audience, skips a family that turned
 * announcements off (before and after it was made) and one that blocked the bot, lets a request card
 * overtake it, and survives kill -9 of the worker and a wipe of Redis.
 */
describe('an announcement to a filtered audience', () => {
  const e2e = useE2E({ bot: false, pipeline: false });

  it('reaches exactly its audience once, behind cards, through kill -9 and a Redis wipe', async () => {
    await e2e.startRole('relay', { reconcileIntervalMs: 1000 });
    let worker = e2e.spawnRole('worker');
    await worker.waitForLog(isStarted, 60_000);
    const district = await districtByCode(e2e.db, 'krasnoe');
    const other = await districtByCode(e2e.db, 'lebedyan');
    const curatorChat = e2e.emulator.createUser({ first_name: 'Куратор' }).id;
    const curator = await createStaffMember(e2e.db, { telegramId: curatorChat, districtIds: [district.id] });
    const supervisorChat = e2e.emulator.createUser({ first_name: 'Руководитель' }).id;
    const supervisor = await createStaffMember(e2e.db, {
      role: 'supervisor',
      telegramId: supervisorChat,
      districtIds: [district.id],
    });

    const audience = await familiesWith(e2e, AUDIENCE, { districtId: district.id, children: 'school' });
    const noChildren = await familiesWith(e2e, 5, { districtId: district.id, children: 'none' });
    const elsewhere = await familiesWith(e2e, 5, { districtId: other.id, children: 'school' });
    const [optedOut, optsOutLater, blocked] = audience.splice(0, 3);
    await e2e.db
      .update(familyMembers)
      .set({ announcementsOff: true })
      .where(eq(familyMembers.id, optedOut!.member.id));
    e2e.emulator.setBlocked(blocked!.chat, true);
    const [asker] = await familiesWith(e2e, 1, { districtId: district.id, curatorId: curator.id });

    const progress = await new Api(TEST_BOT_TOKEN, { apiRoot: e2e.emulator.url }).sendMessage(
      supervisorChat,
      'Готовим отправку…',
    );
    const created = await createAnnouncement(
      { db: e2e.db, timeZone: e2e.config.timeZone },
      {
        senderTelegramId: supervisorChat,
        content: { text: MARK },
        audience: { districtIds: [district.id], filters: ['school_children'] },
        paidBroadcast: false,
        progress: { chatId: supervisorChat, messageId: progress.message_id },
      },
    );
    if (!created.ok) throw new Error(`not made: ${created.reason}`);
    // The opted-out family is not counted; the blocked one is not known yet to be blocked.
    expect(created.people).toBe(AUDIENCE - 1);
    const announcementId = created.announcementId;
    await e2e.db
      .update(familyMembers)
      .set({ announcementsOff: true })
      .where(eq(familyMembers.id, optsOutLater!.member.id));

    // A request made while the broadcast runs: its card overtakes every copy still waiting.
    await eventually(
      async () => (await announcementProgress(e2e.db, announcementId)).sent >= 10,
      60_000,
      '10 sent',
    );
    const request = await createConfirmedRequest(e2e.db, { familyId: asker!.family.id });
    await eventually(
      async () =>
        e2e.emulator
          .messages(curatorChat, { from: 'bot' })
          .some((m) => m.text?.includes(`№ ${request.number}`)),
      30_000,
      'the card at the curator',
    );
    expect((await announcementProgress(e2e.db, announcementId)).left).toBeGreaterThan(20);

    // kill -9 of the worker, then Redis wiped: the copies come back from PostgreSQL.
    await eventually(
      async () => (await announcementProgress(e2e.db, announcementId)).sent >= 40,
      60_000,
      '40 sent',
    );
    worker.signal('SIGKILL');
    await worker.exited;
    const pendingAtKill = new Set(
      (
        await e2e.db
          .select({ chat: notifications.chatId })
          .from(notifications)
          .where(eq(notifications.status, 'pending'))
      ).map((row) => Number(row.chat)),
    );
    expect(await wipeRedisPrefix(e2e.config.redisUrl, e2e.config.redisPrefix)).toBeGreaterThan(0);
    worker = e2e.spawnRole('worker');
    await worker.waitForLog(isStarted, 60_000);
    await eventually(
      async () => {
        const [row] = await e2e.db.select().from(announcements).where(eq(announcements.id, announcementId));
        return row?.finishedAt !== null;
      },
      120_000,
      'the announcement finished',
    );

    const duplicates = audience.filter((family) => copiesIn(e2e, family.chat) > 1);
    for (const family of audience) expect(copiesIn(e2e, family.chat)).toBeGreaterThanOrEqual(1);
    // Only a send in flight at the kill may have gone twice (Telegram has no idempotent send).
    expect(duplicates.length).toBeLessThanOrEqual(DELIVERY_CONCURRENCY);
    for (const family of duplicates) expect(pendingAtKill.has(family.chat)).toBe(true);
    for (const family of [optedOut!, optsOutLater!, blocked!, ...noChildren, ...elsewhere, asker!])
      expect(copiesIn(e2e, family.chat)).toBe(0);

    const final = await announcementProgress(e2e.db, announcementId);
    expect(final).toMatchObject({ total: AUDIENCE - 1, sent: AUDIENCE - 3, blocked: 1, failed: 1, left: 0 });
    await eventually(
      async () =>
        e2e.emulator
          .messages(supervisorChat, { from: 'bot' })
          .some((m) => m.text?.startsWith(`Отчёт об объявлении № ${announcementId}`)),
      30_000,
      'the report to the sender',
    );
    const report = e2e.emulator
      .messages(supervisorChat, { from: 'bot' })
      .find((m) => m.text?.startsWith('Отчёт'))!;
    expect(report.text).toContain(`✅ доставлено: ${AUDIENCE - 3}`);
    expect(report.text).toContain('🚫 заблокировали бот: 1');
    // The message the sender watched was edited into the final figures.
    const watched = e2e.emulator
      .messages(supervisorChat, { from: 'bot' })
      .find((m) => m.message_id === progress.message_id);
    expect(watched?.text).toContain(`Объявление отправлено. Всего получателей: ${AUDIENCE - 1}`);
    expect(supervisor.id).toBeGreaterThan(0);
  }, 300_000);
});
