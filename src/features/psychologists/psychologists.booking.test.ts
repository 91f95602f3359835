import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { startWhileHeld } from '../../../test/helpers/held-lock.js';
import { createConfirmedRequest, createStaffMember } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { consultations, psychologistSchedules } from '../../db/schema/index.js';
import { bookSlot } from './psychologists.booking.js';

/**
 * A family presses a free slot at the moment its request is closed by someone else (its own «Удалить мои
 * данные», a cancellation, a supervisor's close): the press waits for that change and is refused, so no
 * booking is left on a request that is no longer open.
 */
const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
afterAll(async () => {
  await sql.end();
});

describe('bookSlot', () => {
  it('refuses a slot pressed while the request is being closed, and books nothing', async () => {
    const base = 7_600_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
    const irina = await createStaffMember(db, {
      telegramId: base + 1,
      role: 'psychologist',
      fullName: 'Ирина Психолог',
      regional: true,
    });
    await db.insert(psychologistSchedules).values({
      staffId: irina.id,
      slotMinutes: 60,
      hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 })),
      formats: ['phone'],
    });
    const { family } = await createRegisteredFamily(db, { telegramId: base + 2 });
    const request = await createConfirmedRequest(db, { familyId: family.id, category: 'psychologist' });
    const hour = 3_600_000;
    const startsAt = new Date((Math.floor(Date.now() / hour) + 3) * hour);
    const press = { familyId: family.id, requestId: request.id, staffId: irina.id, startsAt };

    // The request's closing (an erasure cancels it this way) is written and not yet committed when the
    // family presses.
    const other = createDb(process.env.DATABASE_URL!, { max: 1 });
    const { outcome, started } = await other.sql.begin(async (tx) => {
      await tx`update requests set status = 'cancelled', closed_at = now() where id = ${request.id}`;
      return startWhileHeld(tx, () => bookSlot({ db, timeZone: 'Europe/Moscow' }, press));
    });
    await other.sql.end();

    expect(outcome).toBe('waits');
    expect(await started).toEqual({ ok: false, reason: 'closed' });
    const booked = await db.select().from(consultations).where(eq(consultations.requestId, request.id));
    expect(booked).toEqual([]);
  });
});
