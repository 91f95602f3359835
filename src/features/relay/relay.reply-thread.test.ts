import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../../../test/helpers/env.js';
import { eventually } from '../../../test/helpers/pipeline.js';
import { createStaffMember } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { districts, families, messages, requests } from '../../db/schema/index.js';
import { createUnrecordedSends, insertNotifications } from '../delivery/index.js';
import { relayNotificationKinds } from './relay.kinds.js';
import { findThreadOfReply } from './relay.usecases.js';

/**
 * A curator's reply to a copy Telegram shows but delivery has not recorded yet (its notification pending):
 * found from delivery's note of the late send; without one (Redis away), never taken for anything else.
 */
describe('the thread of a reply to a copy whose recording is late', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
  const redis = new Redis(process.env.REDIS_URL!);
  const unrecorded = createUnrecordedSends({ redis, prefix: freshRedisPrefix() });
  afterAll(async () => {
    await sql.end();
    redis.disconnect();
  });

  /** A family's message to its request, its copy to the curator's chat pending (being sent or recorded). */
  async function pendingCopy() {
    const chat = 7_200_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
    const [district] = await db.select({ id: districts.id }).from(districts).limit(1);
    const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district!.id] });
    const [family] = await db
      .insert(families)
      .values({ districtId: district!.id, curatorId: curator.id })
      .returning();
    const [request] = await db
      .insert(requests)
      .values({
        familyId: family!.id,
        category: 'nanny',
        details: {},
        curatorId: curator.id,
        takeDeadlineAt: new Date(),
        resolveDeadlineAt: new Date(),
      })
      .returning({ id: requests.id });
    const [message] = await db
      .insert(messages)
      .values({
        familyId: family!.id,
        requestId: request!.id,
        direction: 'family_to_staff',
        kind: 'text',
        text: 'Когда придёт няня?',
      })
      .returning({ id: messages.id });
    const [copyId] = await insertNotifications(db, [
      {
        kind: relayNotificationKinds.toStaff,
        dedupeKey: `message:${message!.id}:chat:${chat}`,
        requestId: request!.id,
        recipientStaffId: curator.id,
        chatId: chat,
        payload: { messageId: message!.id },
      },
    ]);
    const replied = { message_id: 41, date: Math.floor(Date.now() / 1000), from: botUser };
    return {
      chat,
      familyId: family!.id,
      requestId: request!.id,
      messageId: message!.id,
      copyId: copyId!,
      replied,
    };
  }
  const botUser = { id: 1, is_bot: true, first_name: 'Патронаж' };

  it('finds the family’s message the copy carries, from delivery’s note', async () => {
    const { chat, familyId, requestId, messageId, copyId, replied } = await pendingCopy();
    unrecorded.watch({ notificationId: copyId, chatId: chat, messageIds: [replied.message_id] });
    // Noted once it is still unrecorded 0.3 s after Telegram's answer.
    await eventually(
      async () => (await unrecorded.notificationOf(chat, replied.message_id)) === copyId,
      10_000,
      'the late send noted',
    );

    const found = await findThreadOfReply({ db, unrecorded }, 'staff', chat, replied);
    expect(found).toEqual({ thread: { requestId, familyId, replyToId: messageId }, unsure: false });
  });

  it('is not sure, and names no thread, when the copy is not noted (Redis away)', async () => {
    const { chat, copyId, replied } = await pendingCopy();
    // Another message of the chat noted: not this one.
    unrecorded.watch({ notificationId: copyId, chatId: chat, messageIds: [replied.message_id + 1] });

    const found = await findThreadOfReply({ db, unrecorded }, 'staff', chat, replied);
    expect(found).toEqual({ thread: undefined, unsure: true });
  });
});
