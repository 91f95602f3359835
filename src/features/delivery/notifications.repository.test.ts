import { sql as drizzleSql, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.js';
import { districts, families, messages, notifications } from '../../db/schema/index.js';
import { createNotificationsRepository } from './notifications.repository.js';

describe('the notifications repository', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
  afterAll(async () => {
    await sql.end();
  });

  it('claims a pending notification with the row as drizzle reads it, and marks it sent once', async () => {
    const [made] = await db
      .insert(notifications)
      .values({
        dedupeKey: `repository-test:${Date.now()}`,
        kind: 'relay_to_staff',
        chatId: 9_007_199_254,
        payload: { messageId: 12, nested: { album: true } },
        lastError: 'waited',
      })
      .returning();
    const repository = createNotificationsRepository({ db });
    const read = await repository.find(made!.id);

    const claimed = await db.transaction((tx) =>
      createNotificationsRepository({ db: tx }).claimPending(made!.id),
    );
    expect(claimed).toEqual({ notification: read, toInactiveStaff: false });

    const sentAt = new Date('2026-12-05T04:00:00.123Z');
    expect(await repository.markSent(made!.id, 501, sentAt)).toBe(true);
    expect(await repository.markSent(made!.id, 502)).toBe(false);
    const sent = await repository.find(made!.id);
    expect(sent).toMatchObject({
      status: 'sent',
      telegramMessageId: 501,
      sentAt,
      attempts: 1,
      lastError: null,
    });
    expect(
      await db.transaction((tx) => createNotificationsRepository({ db: tx }).claimPending(made!.id)),
    ).toBe(undefined);
  });

  it('marks a notification sent and runs the write that goes with it in the same statement', async () => {
    const [district] = await db.select({ id: districts.id }).from(districts).limit(1);
    const [family] = await db.insert(families).values({ districtId: district!.id }).returning();
    const [message] = await db
      .insert(messages)
      .values({ familyId: family!.id, direction: 'family_to_staff', kind: 'text', text: 'привет' })
      .returning({ id: messages.id });
    const [made] = await db
      .insert(notifications)
      .values({
        dedupeKey: `repository-test-with:${Date.now()}`,
        kind: 'relay_to_staff',
        chatId: 77,
        payload: {},
      })
      .returning();
    const repository = createNotificationsRepository({ db });
    const also = drizzleSql`update ${messages} set staff_chat_id = 77, staff_message_id = 900 where id = ${message!.id}`;
    expect(await repository.markSent(made!.id, 900, new Date(), also)).toBe(true);
    const [copied] = await db.select().from(messages).where(eq(messages.id, message!.id));
    expect(copied).toMatchObject({ staffChatId: 77, staffMessageId: 900 });
    expect(await repository.find(made!.id)).toMatchObject({ status: 'sent', telegramMessageId: 900 });
  });

  it('marks batches of the same size sent with one statement kept prepared, not one per batch', async () => {
    const made = await db
      .insert(notifications)
      .values(
        [1, 2, 3, 4].map((n) => ({
          dedupeKey: `repository-test-many:${Date.now()}:${n}`,
          kind: 'relay_to_staff',
          chatId: 78,
          payload: {},
        })),
      )
      .returning({ id: notifications.id });
    const [a, b, c, d] = made.map((row) => row.id);
    // One transaction: one connection, whose prepared statements PostgreSQL lists.
    const prepared = drizzleSql`select count(*)::int as n from pg_prepared_statements where statement like '%with sent as%'`;
    const kept = await db.transaction(async (tx) => {
      const before = (await tx.execute<{ n: number }>(prepared))[0]!.n;
      const repository = createNotificationsRepository({ db: tx });
      expect(
        await repository.markSentMany([
          { id: a!, telegramMessageId: 601 },
          { id: b!, telegramMessageId: 602 },
        ]),
      ).toEqual([a, b]);
      expect(
        await repository.markSentMany([
          { id: c!, telegramMessageId: 603 },
          { id: d!, telegramMessageId: 604 },
        ]),
      ).toEqual([c, d]);
      return (await tx.execute<{ n: number }>(prepared))[0]!.n - before;
    });
    expect(kept).toBeLessThanOrEqual(1);
    for (const [id, messageId] of [
      [a, 601],
      [d, 604],
    ] as const)
      expect(await createNotificationsRepository({ db }).find(id!)).toMatchObject({
        status: 'sent',
        telegramMessageId: messageId,
      });
  });
});
