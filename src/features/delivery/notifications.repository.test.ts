import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.js';
import { notifications } from '../../db/schema/index.js';
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
    expect(claimed).toEqual(read);

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
});
