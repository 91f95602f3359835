import { afterAll, beforeAll } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { messages, notifications } from '../../src/db/schema/index.js';
import { relayNotificationKinds } from '../../src/features/relay/relay.kinds.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN } from './env.js';
import { eventually, startDeliveryPipeline } from './pipeline.js';
import { watchRedisRoundTrips } from './round-trips.js';
import {
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
  notificationStatusCounts,
} from './routing-factories.js';

/**
 * A test file's database handle, an emulator with Telegram's limits, and the delivery pipeline it starts
 * (`start`) — all stopped after the file's tests.
 */
export function useDeliveryPipeline() {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  const harness = {
    db,
    emulator: undefined as unknown as Emulator,
    pipeline: undefined as Awaited<ReturnType<typeof startDeliveryPipeline>> | undefined,
    async start(redisPrefix: string) {
      harness.pipeline = await startDeliveryPipeline({ apiRoot: harness.emulator.url, redisPrefix });
      return harness.pipeline;
    },
  };
  beforeAll(async () => {
    harness.emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await harness.emulator.start();
  });
  afterAll(async () => {
    await harness.pipeline?.stop();
    await harness.emulator?.stop();
    await sql.end();
  });
  return harness;
}

/**
 * A backlog of relayed messages written while no delivery ran: `curators` curators with `familiesEach`
 * families each, every family's `messagesEach` text messages («Семья <c>-<f>, сообщение <n>») pending as
 * copies to its curator's chat, the rows written interleaved as families writing at once would be. Returns
 * the curators' chats and how many copies wait.
 */
export async function writeRelayedBacklog(
  db: Db,
  emulator: Emulator,
  sizes: { curators: number; familiesEach: number; messagesEach: number },
) {
  const district = await districtByCode(db, 'usman');
  const chats: number[] = [];
  const rows: Array<typeof notifications.$inferInsert> = [];
  for (let c = 0; c < sizes.curators; c += 1) {
    const chat = emulator.createUser({ first_name: `Куратор ${c}` }).id;
    chats.push(chat);
    const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
    for (let f = 0; f < sizes.familiesEach; f += 1) {
      const { family, member } = await createFamilyWithMember(db, {
        districtId: district.id,
        curatorId: curator.id,
      });
      const written = await db
        .insert(messages)
        .values(
          Array.from({ length: sizes.messagesEach }, (_, seq) => ({
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
  return { chats, copies: rows.length };
}

/**
 * A backlog of this size delivered by a pipeline of its own (the test file's), watched: how many copies it
 * made, and the send slots its chats asked for (the slot script's calls: EVALSHA with the chat's slot key
 * first, send-slots.ts ACQUIRE), by the Redis round trip each went in.
 */
export function watchBacklog(sizes: Parameters<typeof writeRelayedBacklog>[2]) {
  const harness = useDeliveryPipeline();
  const prefix = freshRedisPrefix();
  const redis = watchRedisRoundTrips();
  afterAll(() => redis.restore());
  return async () => {
    const { db } = harness;
    const { copies } = await writeRelayedBacklog(db, harness.emulator, sizes);
    const mark = redis.mark();
    await harness.start(prefix);
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === copies,
      60_000,
      'every copy sent',
    );
    const isSlotAsk = ({ name, args }: { name: string; args: string[] }) =>
      name === 'evalsha' && args[1] === '7' && args[2]?.startsWith(`${prefix}:tg:c:`) === true;
    const trips = redis.since(mark, isSlotAsk).map((trip) => trip.filter(isSlotAsk));
    return { copies, trips, asks: trips.flat() };
  };
}
