import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, requestEvents } from '../../src/db/schema/index.js';
import { type BotUnderTest, startBotWithEmulator } from '../helpers/bot-app.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import { createConfirmedRequest, createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/** «Карточка семьи» on the curator's request card: what the curator reads, and the trace every view leaves. */
let bot: BotUnderTest;
let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>>;

beforeAll(async () => {
  bot = await startBotWithEmulator();
  pipeline = await startDeliveryPipeline({ apiRoot: bot.emulator.url, redisPrefix: bot.config.redisPrefix });
});
afterAll(async () => {
  await pipeline?.stop();
  await bot?.stop();
});

async function answerTo(callbackQueryId: string | undefined) {
  return eventually(
    async () => bot.emulator.callbackAnswers().find((a) => a.callback_query_id === callbackQueryId),
    10_000,
    'the answer to a button press',
  );
}

describe('the family card', () => {
  it('shows the passport, the phones and the requests, and is written to the audit log', async () => {
    const district = await districtByCode(bot.db, 'gryazi');
    const curatorUser = bot.emulator.createUser({ first_name: 'Анна', language_code: 'ru' });
    const curator = await createStaffMember(bot.db, {
      telegramId: curatorUser.id,
      fullName: 'Анна Петрова',
      districtIds: [district.id],
    });
    const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: curator.id,
      districtId: district.id,
      children: [{ fullName: 'Петя Иванов', birthDate: '2017-04-02', institution: 'school' }],
    });
    const request = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
    const card = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes(`№ ${request.number}`) ?? false,
      15_000,
    );

    bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Карточка семьи');
    const shown = await bot.emulator.waitForMessage(curatorUser.id, undefined, 10_000);
    expect(shown.text).toContain(`Карточка семьи (по заявке № ${request.number})`);
    expect(shown.text).toContain('Мария Иванова');
    expect(shown.text).toContain('Иван Иванов');
    expect(shown.text).toContain('Петя Иванов');
    expect(shown.text).toContain('ул. Советская, д. 10');
    expect(shown.text).toContain(`• Мария Иванова, телефон ${member.phone}`);
    expect(shown.text).toContain(`• № ${request.number} · Няня — передана куратору`);

    const audit = await bot.db.select().from(auditLog).where(eq(auditLog.requestId, request.id));
    expect(audit).toEqual([
      expect.objectContaining({ staffId: curator.id, action: 'family_card_viewed', familyId: family.id }),
    ]);
    const events = await bot.db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, request.id))
      .orderBy(asc(requestEvents.id));
    expect(events.at(-1)).toMatchObject({ type: 'family_card_viewed', actorStaffId: curator.id });

    // A curator of another district gets a refusal, reads nothing, and leaves no view behind.
    const elsewhere = await districtByCode(bot.db, 'lipetsk-city');
    const strangerUser = bot.emulator.createUser({ first_name: 'Игорь', language_code: 'ru' });
    await createStaffMember(bot.db, { telegramId: strangerUser.id, districtIds: [elsewhere.id] });
    bot.emulator.sendText(strangerUser.id, '/start');
    const somewhere = await bot.emulator.waitForMessage(strangerUser.id, undefined, 10_000);
    const forged = bot.emulator.pressButton(
      strangerUser.id,
      somewhere.message_id,
      `cur:${request.id}:family`,
    );
    expect((await answerTo(forged.callback_query_id)).text).toContain('не из ваших районов');
    expect(bot.emulator.messages(strangerUser.id, { from: 'bot' })).toHaveLength(1);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.requestId, request.id))).toHaveLength(1);
  });
});
