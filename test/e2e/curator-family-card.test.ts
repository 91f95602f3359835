import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, requestEvents } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { strangerCurator } from '../helpers/routed-request.js';

/** «Карточка семьи» on the curator's request card: what the curator reads, and the trace every view leaves. */
const bot = useE2E();

describe('the family card', () => {
  it('shows the passport, the phones and the requests, and is written to the audit log', async () => {
    const {
      staff: { curator },
      families: { maria },
      requests: { request },
    } = await bot.seed({
      staff: { curator: { name: 'Анна Петрова', districts: ['gryazi'] } },
      families: {
        maria: {
          curator: 'curator',
          children: [{ fullName: 'Петя Иванов', birthDate: '2017-04-02', institution: 'school' }],
        },
      },
      requests: { request: { family: 'maria', routedTo: 'curator' } },
    });
    const { family, member } = maria;
    const card = request.card!;

    bot.emulator.pressButtonByText(curator.chat, card.message_id, 'Карточка семьи');
    const shown = await bot.emulator.waitForMessage(curator.chat, undefined, 10_000);
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
    const stranger = await strangerCurator(bot, 'Игорь');
    expect((await stranger.press(`cur:${request.id}:family`)).text).toContain('не из ваших районов');
    expect(bot.emulator.messages(stranger.chat, { from: 'bot' })).toHaveLength(1);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.requestId, request.id))).toHaveLength(1);
  });
});
