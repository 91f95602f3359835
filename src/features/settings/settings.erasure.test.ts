import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { retractionsOf } from '../../../test/helpers/retractions.js';
import { createStaffMember, districtByCode } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { messages, notifications } from '../../db/schema/index.js';
import { createNotificationsRepository, withdrawnReason } from '../delivery/index.js';
import { relayNotificationKinds } from '../relay/relay.kinds.js';
import { routeConsentWithdrawn } from './settings.erasure.js';

// «Удалить мои данные» while a relayed copy of the family's message is on its way to the curator: the
// delivery turn holds the copy's row (rendered before the erasure) and Telegram answers after it. The
// erasure waits for that send, then takes the copy back with the others: nothing stays readable.
// (Found by the second reader of the claim lease, 6 December.)
describe('an erasure while a relayed copy is being sent', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  afterAll(async () => {
    await sql.end();
  });

  /** A family of the Данков district with its own curator (two Telegram ids). */
  async function familyWithCurator(curatorChat: number, familyChat: number) {
    const district = await districtByCode(db, 'dankov');
    const curator = await createStaffMember(db, { telegramId: curatorChat, districtIds: [district.id] });
    const { family, member } = await createRegisteredFamily(db, {
      telegramId: familyChat,
      districtId: district.id,
      curatorId: curator.id,
    });
    return { curator, family, member };
  }

  /** The routing job of the last member's «Удалить мои данные» (the family erased). */
  const eraseFamily = (outboxId: number, familyId: number, memberId: number) =>
    routeConsentWithdrawn(
      { db },
      {
        kind: 'consent_withdrawn',
        outboxId,
        payload: { familyId, memberId, familyErased: true, cancelledRequestIds: [] },
      },
    );

  it('withdraws a copy still waiting for its turn: it does not go out later as its heading alone', async () => {
    const { curator, family, member } = await familyWithCurator(9_400_121, 9_400_122);
    const [copy] = await db
      .insert(notifications)
      .values({
        dedupeKey: `erasure-waiting:${family.id}`,
        kind: relayNotificationKinds.toStaff,
        chatId: 9_400_121,
        familyId: family.id,
        recipientStaffId: curator.id,
        payload: { messageId: 1 },
      })
      .returning({ id: notifications.id });
    await eraseFamily(876_503, family.id, member.id);
    const [row] = await db
      .select({ status: notifications.status, lastError: notifications.lastError })
      .from(notifications)
      .where(eq(notifications.id, copy!.id));
    expect(row).toEqual({ status: 'failed', lastError: withdrawnReason });
  });

  it('takes back the part already shown of a copy still pending between its parts', async () => {
    const { curator, family, member } = await familyWithCurator(9_400_111, 9_400_112);
    await db.insert(notifications).values({
      dedupeKey: `erasure-between-parts:${family.id}`,
      kind: relayNotificationKinds.toStaff,
      chatId: 9_400_111,
      familyId: family.id,
      recipientStaffId: curator.id,
      // Its first part went out as message 512; the second waits for the chat's next slot.
      payload: { messageId: 1, sentSteps: [[512]] },
    });
    await eraseFamily(876_502, family.id, member.id);
    const takenBack = await retractionsOf(db, 9_400_111, 512);
    expect(takenBack).toHaveLength(1);
  });

  it('waits for the send and takes the copy back once it is recorded', async () => {
    const { curator, family, member } = await familyWithCurator(9_400_101, 9_400_102);
    const [message] = await db
      .insert(messages)
      .values({
        familyId: family.id,
        senderMemberId: member.id,
        direction: 'family_to_staff',
        kind: 'text',
        text: 'Наш адрес: ул. Советская, 10',
      })
      .returning({ id: messages.id });
    const [copy] = await db
      .insert(notifications)
      .values({
        dedupeKey: `erasure-in-flight:${message!.id}`,
        kind: relayNotificationKinds.toStaff,
        chatId: 9_400_101,
        familyId: family.id,
        recipientStaffId: curator.id,
        payload: { messageId: message!.id },
      })
      .returning({ id: notifications.id });

    let erasing: Promise<number[]> | undefined;
    // The delivery turn: the copy claimed in its transaction, sent, recorded, committed.
    await db.transaction(async (tx) => {
      const sending = createNotificationsRepository({ db: tx });
      expect(await sending.claimPending(copy!.id)).toBeDefined();
      erasing = eraseFamily(876_501, family.id, member.id);
      // Telegram answers while the erasure runs (were it not to wait, it would be done by now).
      await Promise.race([erasing, new Promise((resolve) => setTimeout(resolve, 300))]);
      expect(await sending.markSent(copy!.id, 4242)).toBe(true);
    });
    await erasing;

    const takenBack = await retractionsOf(db, 9_400_101, 4242);
    expect(takenBack).toHaveLength(1);
  });
});
