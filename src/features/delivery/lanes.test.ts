import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.js';
import { districts, families, messages, notifications } from '../../db/schema/index.js';
import type { SendClass } from '../../telegram/send-slots.js';
import { createDeliveryLanes, type DeliveryLanes } from './lanes.js';

describe('delivery lanes', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
  const redis = new Redis(process.env.REDIS_URL!);
  let serial = 0;
  let familyId: number;
  const classes: Record<string, SendClass> = { request_card: 'urgent', escalation_digest: 'bulk' };
  const freshLanes = () => {
    serial += 1;
    return createDeliveryLanes({
      redis,
      prefix: `${process.env.REDIS_PREFIX}:lanes-test${serial}`,
      db,
      sendClassOf: (kind) => classes[kind] ?? 'notice',
    });
  };
  /** Pending notification rows: [chat, kind] each, in this order. */
  const pending = async (rows: Array<[number, string]>) =>
    (
      await db
        .insert(notifications)
        .values(
          rows.map(([chatId, kind], index) => ({
            dedupeKey: `lanes-test:${serial}:${index}`,
            kind,
            chatId,
            payload: { familyId },
          })),
        )
        .returning({ id: notifications.id })
    ).map((row) => row.id);
  /** Sends a chat's whole lane as dispatchers would (each head done at once, no gap): the ids in order. */
  async function drain(lanes: DeliveryLanes) {
    const sent: number[] = [];
    for (let round = 0; round < 100; round++) {
      const { heads } = await lanes.take(1, 60_000);
      const [head] = heads;
      if (!head) return sent;
      sent.push(head.notificationId);
      await lanes.finish(head, true, 0);
    }
    throw new Error('the lanes never emptied');
  }

  beforeAll(async () => {
    const [district] = await db.select({ id: districts.id }).from(districts).limit(1);
    const [family] = await db.insert(families).values({ districtId: district!.id }).returning();
    familyId = family!.id;
  });
  afterAll(async () => {
    redis.disconnect();
    await sql.end();
  });

  it('gives a chat its messages oldest first, urgent ones before notices and digests', async () => {
    const lanes = freshLanes();
    const [digest, notice1, card, notice2] = await pending([
      [10, 'escalation_digest'],
      [10, 'family_without_curator'],
      [10, 'request_card'],
      [10, 'family_without_curator'],
    ]);
    await lanes.add([notice2!, digest!, notice1!, card!]);
    expect(await drain(lanes)).toEqual([card, notice1, notice2, digest]);
  });

  it('gives copies of a conversation in the order it was written, whatever order they were made in', async () => {
    const lanes = freshLanes();
    const written: number[] = [];
    for (const text of ['первое', 'второе']) {
      const [row] = await db
        .insert(messages)
        .values({ familyId, direction: 'family_to_staff', kind: 'text', text })
        .returning({ id: messages.id });
      written.push(row!.id);
    }
    // Routing made the copy of the second message first.
    const made: number[] = [];
    for (const messageId of [...written].reverse()) {
      const [row] = await db
        .insert(notifications)
        .values({
          dedupeKey: `lanes-test:${serial}:copy:${messageId}`,
          kind: 'relay_to_staff',
          chatId: 15,
          payload: { messageId },
        })
        .returning({ id: notifications.id });
      made.push(row!.id);
    }
    await lanes.add(made);
    expect(await drain(lanes)).toEqual([...made].reverse());
  });

  it('takes the chats with an urgent head first, and a chat once while it is leased', async () => {
    const lanes = freshLanes();
    const [bulkA, bulkB, urgent] = await pending([
      [21, 'escalation_digest'],
      [22, 'escalation_digest'],
      [23, 'request_card'],
    ]);
    await lanes.add([bulkA!, bulkB!]);
    await lanes.add([urgent!]);
    // What /metrics shows: chats waiting by the class of their first message.
    expect(await lanes.waitingChats()).toEqual({ interactive: 0, urgent: 1, notice: 0, bulk: 2 });
    const first = await lanes.take(1, 60_000);
    expect(first.heads).toMatchObject([{ chatId: 23, notificationId: urgent }]);
    // Leased: not given out again while its send is in flight, though its lane is not empty.
    const rest = await lanes.take(10, 60_000);
    expect(rest.heads.map((head) => head.chatId).sort()).toEqual([21, 22]);
    expect((await lanes.take(10, 60_000)).heads).toEqual([]);
  });

  it('holds a chat back until its next send is due, and costs nothing meanwhile', async () => {
    const lanes = freshLanes();
    const [one, two] = await pending([
      [31, 'family_without_curator'],
      [31, 'family_without_curator'],
    ]);
    await lanes.add([one!, two!]);
    const { heads } = await lanes.take(5, 60_000);
    expect(heads).toMatchObject([{ chatId: 31, notificationId: one }]);
    await lanes.finish(heads[0]!, true, 400);
    const waiting = await lanes.take(5, 60_000);
    expect(waiting.heads).toEqual([]);
    expect(waiting.nextDueMs).toBeGreaterThan(300);
    await new Promise((resolve) => setTimeout(resolve, (waiting.nextDueMs ?? 0) + 20));
    expect((await lanes.take(5, 60_000)).heads).toMatchObject([{ chatId: 31, notificationId: two }]);
  });

  it('says when a chat taken before it is due is due (its send slot is asked for then)', async () => {
    const lanes = freshLanes();
    const [one, two] = await pending([
      [32, 'family_without_curator'],
      [32, 'family_without_curator'],
    ]);
    await lanes.add([one!, two!]);
    const { heads } = await lanes.take(5, 60_000);
    expect(heads[0]?.dueAt).toBeUndefined();
    await lanes.finish(heads[0]!, true, 400);
    const before = Date.now();
    const early = await lanes.take(5, 60_000, 5, 1000);
    expect(early.heads).toMatchObject([{ chatId: 32, notificationId: two }]);
    expect(early.heads[0]?.dueAt).toBeGreaterThan(before + 300);
  });

  it('keeps turns for urgent cards: notices and digests take no more than they are allowed', async () => {
    const lanes = freshLanes();
    const [notice1, notice2, digest, card] = await pending([
      [61, 'family_without_curator'],
      [62, 'family_without_curator'],
      [63, 'escalation_digest'],
      [64, 'request_card'],
    ]);
    await lanes.add([notice1!, notice2!, digest!]);
    const first = await lanes.take(4, 60_000, 1);
    expect(first.heads).toMatchObject([{ chatId: 61, notificationId: notice1, sendClass: 'notice' }]);
    // The other notice and the digest are due, but cannot be taken now: nothing is due that could be.
    expect(await lanes.take(3, 60_000, 0)).toEqual({ heads: [], nextDueMs: undefined });
    await lanes.add([card!]);
    expect((await lanes.take(3, 60_000, 0)).heads).toMatchObject([
      { chatId: 64, notificationId: card, sendClass: 'urgent' },
    ]);
    expect((await lanes.take(3, 60_000, 2)).heads).toMatchObject([
      { chatId: 62, sendClass: 'notice' },
      { chatId: 63, sendClass: 'bulk' },
    ]);
  });

  it('a head whose turn did not finish stays first; adding the same ids again changes nothing', async () => {
    const lanes = freshLanes();
    const ids = await pending([
      [41, 'family_without_curator'],
      [41, 'family_without_curator'],
    ]);
    await lanes.add(ids);
    const { heads } = await lanes.take(1, 60_000);
    await lanes.finish(heads[0]!, false, 0);
    await lanes.add(ids);
    expect(heads[0]?.notificationId).toBe(ids[0]);
    expect(await drain(lanes)).toEqual(ids);
  });

  it('skips notifications no longer pending', async () => {
    const lanes = freshLanes();
    const [sent, waiting] = await pending([
      [51, 'family_without_curator'],
      [51, 'family_without_curator'],
    ]);
    await db
      .update(notifications)
      .set({ status: 'sent', telegramMessageId: 1 })
      .where(eq(notifications.id, sent!));
    await lanes.add([sent!, waiting!]);
    expect(await drain(lanes)).toEqual([waiting]);
  });
});
