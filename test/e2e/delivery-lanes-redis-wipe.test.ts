import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { messages, notifications } from '../../src/db/schema/index.js';
import { relayNotificationKinds } from '../../src/features/relay/relay.kinds.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN } from '../helpers/env.js';
import { eventually, startDeliveryPipeline, wipeRedisPrefix } from '../helpers/pipeline.js';
import {
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
  notificationStatusCounts,
} from '../helpers/routing-factories.js';

const CURATORS = 3;
const FAMILIES_EACH = 2;
const MESSAGES_EACH = 6;
const TOTAL = CURATORS * FAMILIES_EACH * MESSAGES_EACH;

/**
 * A backlog waiting in the curators' lanes (SPEC §7): Redis is wiped while the copies go out one a second
 * per chat. The lanes are rebuilt from the pending rows in PostgreSQL, and every curator still reads each
 * family's messages once each, in the order the family wrote them.
 */
describe('the delivery lanes after a Redis wipe', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  const prefix = freshRedisPrefix();
  let emulator: Emulator;
  let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>> | undefined;

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
  });
  afterAll(async () => {
    await pipeline?.stop();
    await emulator?.stop();
    await sql.end();
  });

  it('sends the rest of every lane once, in each conversation’s order', async () => {
    const district = await districtByCode(db, 'usman');
    const chats: number[] = [];
    const rows: Array<typeof notifications.$inferInsert> = [];
    for (let c = 0; c < CURATORS; c += 1) {
      const chat = emulator.createUser({ first_name: `Куратор ${c}` }).id;
      chats.push(chat);
      const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
      for (let f = 0; f < FAMILIES_EACH; f += 1) {
        const { family, member } = await createFamilyWithMember(db, {
          districtId: district.id,
          curatorId: curator.id,
        });
        const written = await db
          .insert(messages)
          .values(
            Array.from({ length: MESSAGES_EACH }, (_, seq) => ({
              familyId: family.id,
              direction: 'family_to_staff' as const,
              senderMemberId: member.id,
              kind: 'text' as const,
              text: `Семья ${c}-${f}, сообщение ${seq + 1}`,
              familyChatId: 900_000 + c * 10 + f,
              familyMessageId: seq + 1,
            })),
          )
          .returning({ id: messages.id });
        for (const message of written) {
          rows.push({
            kind: relayNotificationKinds.toStaff,
            dedupeKey: `message:${message.id}:chat:${chat}`,
            familyId: family.id,
            recipientStaffId: curator.id,
            chatId: chat,
            payload: { messageId: message.id },
          });
        }
      }
    }
    // Written interleaved, as families writing at once would be: ids do not follow one family.
    rows.sort((a, b) => String(a.dedupeKey).localeCompare(String(b.dedupeKey)));
    await db.insert(notifications).values(rows);

    pipeline = await startDeliveryPipeline({ apiRoot: emulator.url, redisPrefix: prefix });
    await eventually(async () => ((await notificationStatusCounts(db)).sent ?? 0) >= 8, 60_000, '8 sent');
    expect(await wipeRedisPrefix(pipeline.config.redisUrl, prefix)).toBeGreaterThan(0);
    expect((await notificationStatusCounts(db)).pending ?? 0).toBeGreaterThan(0);

    await eventually(
      async () => (await notificationStatusCounts(db)).sent === TOTAL,
      90_000,
      'every copy sent after the wipe',
    );
    for (const chat of chats) {
      const received = emulator
        .messages(chat, { from: 'bot' })
        .map((message) => /Семья (\d+-\d+), сообщение (\d+)/.exec(message.text ?? ''))
        .map((match) => `${match?.[1]}:${match?.[2]}`);
      // Once each…
      expect(new Set(received).size).toBe(received.length);
      expect(received).toHaveLength(FAMILIES_EACH * MESSAGES_EACH);
      // …and each family's in the order written.
      for (let f = 0; f < FAMILIES_EACH; f += 1) {
        const family = received.filter((key) => key.split(':')[0]!.endsWith(`-${f}`));
        expect(family.map((key) => Number(key.split(':')[1]))).toEqual(
          Array.from({ length: MESSAGES_EACH }, (_, seq) => seq + 1),
        );
      }
    }
    // The wipe took the send slots' memory of the last sends too, so the first send to a chat after it may
    // meet Telegram's 429: it is waited out (the copy is not lost, not sent twice, not out of order).
  });
});
