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
});
