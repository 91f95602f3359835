import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createStaffMember } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import {
  districts,
  families,
  familyMembers,
  messages,
  notifications,
  requests,
} from '../../db/schema/index.js';
import { routeRelayedEventsIn, routeRelayedMessage, routeRelayedMessagesIn } from './relay.routing.js';

describe('routing the relayed messages of an outbox batch together', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
  afterAll(async () => {
    await sql.end();
  });

  it('makes the copies routing each message on its own makes, leaves album items to jobs, and is idempotent', async () => {
    const base = 7_100_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
    const [district] = await db.select({ id: districts.id }).from(districts).limit(1);
    const present = await createStaffMember(db, { telegramId: base + 1, districtIds: [district!.id] });
    const deputy = await createStaffMember(db, { telegramId: base + 2, districtIds: [district!.id] });
    const away = await createStaffMember(db, {
      telegramId: base + 3,
      districtIds: [district!.id],
      awayUntil: new Date(Date.now() + 86_400_000),
      deputyId: deputy.id,
    });
    const [first, second] = await db
      .insert(families)
      .values([
        { districtId: district!.id, curatorId: present.id },
        { districtId: district!.id, curatorId: away.id },
      ])
      .returning();
    await db.insert(familyMembers).values([
      { familyId: first!.id, fullName: 'Мария', telegramId: base + 4, consentAt: new Date() },
      { familyId: first!.id, fullName: 'Олег', telegramId: base + 5, consentAt: new Date() },
    ]);
    // A request of the second family with a curator of its own: its messages go to that curator.
    const [request] = await db
      .insert(requests)
      .values({
        familyId: second!.id,
        category: 'nanny',
        details: {},
        curatorId: present.id,
        takeDeadlineAt: new Date(),
        resolveDeadlineAt: new Date(),
      })
      .returning({ id: requests.id });
    const write = (familyId: number, extra: Partial<typeof messages.$inferInsert> = {}) =>
      db
        .insert(messages)
        .values({ familyId, direction: 'family_to_staff', kind: 'text', text: 'привет', ...extra })
        .returning({ id: messages.id })
        .then((rows) => rows[0]!.id);
    const ids = [
      await write(first!.id),
      await write(second!.id),
      await write(first!.id),
      await write(second!.id, { kind: 'photo', mediaGroupId: `album-${base}` }),
      await write(first!.id, { direction: 'staff_to_family', staffChatId: base + 1 }),
      await write(second!.id, { requestId: request!.id }),
    ];
    const missing = ids[5]! + 1_000_000;
    const payloads = [
      { messageId: ids[0]! },
      { messageId: ids[1]!, replyToId: 5 },
      { messageId: ids[2]!, question: true },
      { messageId: ids[3]! },
      { messageId: missing },
      { messageId: ids[4]! },
      { messageId: ids[5]! },
    ];
    const routable = payloads.filter((payload) => payload.messageId !== ids[3]);
    const made = (keys: number[]) =>
      db
        .select()
        .from(notifications)
        .where(
          inArray(
            notifications.dedupeKey,
            keys.flatMap((id) =>
              [base + 1, base + 2, base + 3, base + 4, base + 5].map((chat) => `message:${id}:chat:${chat}`),
            ),
          ),
        );
    const shape = (rows: Array<typeof notifications.$inferSelect>) =>
      rows
        .map(({ id: _id, createdAt: _created, ...row }) => row)
        .sort((a, b) => a.dedupeKey.localeCompare(b.dedupeKey));

    // One at a time, as a routing job does: what the batch must make.
    for (const payload of routable) await routeRelayedMessage({ db }, payload);
    const expected = shape(await made(ids));
    expect(expected.map((row) => row.chatId).sort()).toEqual(
      [base + 1, base + 1, base + 1, base + 2, base + 4, base + 5].sort(),
    );
    await db.delete(notifications).where(
      inArray(
        notifications.id,
        (await made(ids)).map((row) => row.id),
      ),
    );

    const batch = await db.transaction((tx) => routeRelayedMessagesIn(tx, payloads));
    expect(batch.routed).toEqual([true, true, true, false, true, true, true]);
    const rows = await made(ids);
    expect(shape(rows)).toEqual(expected);
    expect([...batch.copies].sort()).toEqual(rows.map((row) => row.id).sort());
    // Routed again (a batch run twice): nothing new, the copies still pending count.
    const again = await db.transaction((tx) => routeRelayedMessagesIn(tx, payloads));
    expect([...again.copies].sort()).toEqual([...batch.copies].sort());
    expect((await made(ids)).length).toBe(rows.length);

    // As the outbox relay hands it a batch of events: other kinds and the album's item are left to jobs,
    // event by event, and the relayed ones come back with their copies.
    const events = await db.transaction((tx) =>
      routeRelayedEventsIn(tx, [
        { kind: 'request_created', payload: { requestId: request!.id } },
        { kind: 'message_relayed', payload: { messageId: ids[3]! } },
        { kind: 'message_relayed', payload: { messageId: ids[0]! } },
        { kind: 'request_taken', payload: { requestId: request!.id, staffId: present.id } },
        { kind: 'message_relayed', payload: { messageId: missing } },
        { kind: 'message_relayed', payload: { messageId: ids[4]! } },
      ]),
    );
    expect(events.routed).toEqual([false, false, true, false, true, true]);
    const ofEvents = rows.filter((row) =>
      [ids[0], ids[4]].some((id) => row.dedupeKey.startsWith(`message:${id}:`)),
    );
    expect([...events.notifications].sort()).toEqual(ofEvents.map((row) => row.id).sort());
  });
});
