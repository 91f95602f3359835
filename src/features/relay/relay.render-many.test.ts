import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
} from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { messages, notifications } from '../../db/schema/index.js';
import { createI18n } from '../../i18n.js';
import { createNotificationsRepository, type Notification } from '../delivery/index.js';
import { renderRelayNotification, renderRelayNotifications } from './relay.content.js';
import { relayNotificationKinds } from './relay.kinds.js';

/**
 * A batched delivery turn renders its relayed copies together: their sources (the message, the sender's
 * name, what the copy must wait for…) in one statement for the whole batch, each copy as it would be alone.
 */
describe('relayed copies rendered together', () => {
  const { db, sql: client } = createDb(process.env.DATABASE_URL!, { max: 2 });
  // The renders' own handle, which counts the statements it runs.
  const statements: string[] = [];
  const counted = postgres(process.env.DATABASE_URL!, {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query) => statements.push(query),
  });
  const deps = {
    db: drizzle({ client: counted, casing: 'snake_case' }),
    i18n: createI18n(),
    timeZone: 'Europe/Moscow',
  };
  afterAll(async () => {
    await client.end();
    await counted.end();
  });

  it('reads the sources of a batch of copies in one statement and renders each as alone', async () => {
    const district = await districtByCode(db, 'usman');
    const chatId = 7_700_000 + Math.floor(Math.random() * 100_000);
    const curator = await createStaffMember(db, { telegramId: chatId, districtIds: [district.id] });
    const away = await createStaffMember(db, { telegramId: chatId + 1, fullName: 'Ирина Отпускная' });
    const first = await createFamilyWithMember(db, { districtId: district.id, curatorId: curator.id });
    const second = await createFamilyWithMember(db, {
      districtId: district.id,
      curatorId: curator.id,
      memberName: 'Ольга Петрова',
    });
    const written = await db
      .insert(messages)
      .values(
        [first, first, second].map(({ family, member }, index) => ({
          familyId: family.id,
          direction: 'family_to_staff' as const,
          senderMemberId: member.id,
          kind: 'text' as const,
          text: `Сообщение ${index + 1}`,
          familyChatId: chatId + 10 + index,
          familyMessageId: index + 1,
        })),
      )
      .returning({ id: messages.id, familyId: messages.familyId });
    // The first family's second message waits for its first (pending in the same chat); the second family's
    // goes to the deputy of a curator who is away; the last copy's message is gone.
    const copies = [
      { message: written[0]!, payload: { messageId: written[0]!.id } },
      { message: written[1]!, payload: { messageId: written[1]!.id } },
      { message: written[2]!, payload: { messageId: written[2]!.id, deputyFor: away.id } },
      { message: written[2]!, payload: { messageId: 2_000_000_000 } },
    ];
    const made = await db
      .insert(notifications)
      .values(
        copies.map(({ message, payload }, index) => ({
          kind: relayNotificationKinds.toStaff,
          dedupeKey: `render-many:${chatId}:${index}`,
          familyId: message.familyId,
          recipientStaffId: curator.id,
          chatId,
          payload,
        })),
      )
      .returning({ id: notifications.id });
    const repository = createNotificationsRepository({ db });
    const rows = (await Promise.all(made.map(({ id }) => repository.find(id)))) as Notification[];

    await counted`select 1`; // its connection open (postgres.js reads the types first)
    statements.length = 0;
    const alone = [];
    for (const row of rows) alone.push(await renderRelayNotification(deps, row));
    const readAlone = statements.length;
    statements.length = 0;
    const together = await Promise.all(renderRelayNotifications(deps, rows));

    expect(readAlone).toBe(rows.length);
    expect(statements).toHaveLength(1);
    const shown = (content: (typeof together)[number]) =>
      content && { text: content.text, outgoing: content.outgoing, waits: content.notBefore !== undefined };
    expect(together.map(shown)).toEqual(alone.map(shown));
    expect(together.map(shown)).toEqual([
      expect.objectContaining({ waits: false, text: expect.stringContaining('Мария Иванова') }),
      expect.objectContaining({ waits: true }),
      expect.objectContaining({ waits: false, text: expect.stringContaining('Ирина Отпускная') }),
      undefined,
    ]);
  });
});
