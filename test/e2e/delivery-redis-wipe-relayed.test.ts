import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema/index.js';
import { curatorsWithAFamilyEach } from '../helpers/bulk-delivery.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';

const CURATORS = 5;
const PER_FAMILY = 3;

/**
 * A family's message to its curator is an outbox event, routed by a job: a Redis wipe after the relay
 * dispatched the event and before a worker took the job lost the job, and nothing queued it again (the
 * reconciler looked only at new requests and families without a curator). Every dispatched event not yet
 * routed is queued again now.
 */
describe('Redis wiped while family messages wait for their routing', () => {
  const e2e = useE2E({ bot: false, pipeline: false, limits: { global: 30, perChat: 1 } });

  it('every message still reaches its curator, once', async () => {
    const { config, db } = e2e;
    // The relay in a process of its own routes relayed messages by jobs; no worker runs yet.
    await e2e.startRole('relay', { reconcileIntervalMs: 1000 });
    const { chats, familyIds } = await curatorsWithAFamilyEach(db, e2e.emulator, 'lebedyan', CURATORS);
    await db.execute(sql`
      with written as (
        insert into messages (family_id, direction, sender_member_id, kind, text, family_chat_id, family_message_id)
        select m.family_id, 'family_to_staff', m.id, 'text', 'Вопрос ' || s.seq || ' семьи ' || m.family_id,
               900000 + m.family_id, 100 + s.seq
        from family_members m cross join generate_series(1, ${PER_FAMILY}::int) as s(seq)
        where m.family_id in (${sql.join(
          familyIds.map((id) => sql`${id}`),
          sql`, `,
        )})
        order by s.seq, m.family_id
        returning id)
      insert into outbox (kind, payload)
      select 'message_relayed', jsonb_build_object('messageId', id) from written order by id`);
    await db.execute(sql`select pg_notify('outbox', 'test')`);
    await eventually(
      async () =>
        (await db.select({ status: outbox.status }).from(outbox)).every((row) => row.status === 'dispatched'),
      10_000,
      'the outbox dispatched',
    );
    expect(await wipeRedisPrefix(config.redisUrl, config.redisPrefix)).toBeGreaterThan(0);

    await e2e.startRole('worker');
    const questionsIn = (chat: number) =>
      e2e.emulator
        .messages(chat, { from: 'bot' })
        .map((message) => /Вопрос \d+ семьи \d+/.exec(message.text ?? '')?.[0])
        .filter((text) => text !== undefined);
    await eventually(
      async () => chats.every((chat) => questionsIn(chat).length >= PER_FAMILY),
      60_000,
      'every message at its curator',
    );
    chats.forEach((chat, index) => {
      const familyId = familyIds[index]!;
      expect(questionsIn(chat)).toEqual(
        Array.from({ length: PER_FAMILY }, (_, i) => `Вопрос ${i + 1} семьи ${familyId}`),
      );
    });
    const unrouted = await db.execute(
      sql`select count(*)::int as n from outbox where status = 'dispatched' and routed_at is null`,
    );
    expect(unrouted[0]).toEqual({ n: 0 });
  }, 120_000);
});
