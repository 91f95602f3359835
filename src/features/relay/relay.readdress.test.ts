import { and, asc, desc, eq, inArray, sql as raw } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { retractionsOf } from '../../../test/helpers/retractions.js';
import { createConfirmedRequest, createStaffMember } from '../../../test/helpers/routing-factories.js';
import { createDb, type Db, type DbOrTx } from '../../db/client.js';
import { districts, messages, notifications, outbox, requests, staff } from '../../db/schema/index.js';
import { createI18n } from '../../i18n.js';
import { type Notification, withdrawnReason } from '../delivery/index.js';
import { renderRetraction } from '../delivery/retraction.js';
import { notifyReassignment } from '../supervision/supervision.notices.js';
import { reassignFamily, reassignRequest } from '../supervision/supervision.usecases.js';
import { routeRelayedMessage, routeRelayedMessagesIn } from './relay.routing.js';

/**
 * A family's messages on their way to staff when a supervisor hands the request (or the family) to another
 * curator: they reach whoever looks after it now, not the curator who no longer has it.
 */
const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 6 });
afterAll(async () => {
  await sql.end();
});

/** A district of its own (its supervisors are this test's only), a family of Олег's, Анна, Дмитрий, Елена. */
async function world() {
  const base = 7_300_000_000 + Math.floor(Math.random() * 10_000_000) * 10;
  const [district] = await db
    .insert(districts)
    .values({ code: `readdress-${base}`, name: 'Район переадресации', kind: 'municipal' })
    .returning();
  const districtIds = [district!.id];
  const oleg = await createStaffMember(db, { telegramId: base + 1, districtIds });
  const anna = await createStaffMember(db, { telegramId: base + 2, districtIds });
  const dmitry = await createStaffMember(db, { telegramId: base + 3, districtIds });
  const elena = await createStaffMember(db, { telegramId: base + 4, role: 'supervisor', districtIds });
  const { family } = await createRegisteredFamily(db, {
    telegramId: base + 5,
    districtId: district!.id,
    curatorId: oleg.id,
  });
  const request = await createConfirmedRequest(db, { familyId: family.id });
  await db
    .update(requests)
    .set({ curatorId: oleg.id, status: 'assigned', assignedAt: new Date() })
    .where(eq(requests.id, request.id));
  const write = async (requestId: number | null, extra: Partial<typeof messages.$inferInsert> = {}) => {
    const [row] = await db
      .insert(messages)
      .values({
        familyId: family.id,
        requestId,
        direction: 'family_to_staff',
        kind: 'text',
        text: 'Здравствуйте',
        familyChatId: base + 5,
        ...extra,
      })
      .returning({ id: messages.id });
    return row!.id;
  };
  return { base, oleg, anna, dmitry, elena, family, request, write };
}

/** The reassignment's notices job, as the routing worker runs it for the outbox row just written. */
async function runNotices() {
  const [row] = await db
    .select()
    .from(outbox)
    .where(inArray(outbox.kind, ['request_reassigned', 'family_reassigned']))
    .orderBy(desc(outbox.id))
    .limit(1);
  return notifyReassignment({ db }, { kind: row!.kind, payload: row!.payload, outboxId: row!.id } as never);
}

describe('a reassignment re-addresses the family’s messages still on their way', () => {
  it('moves the pending copies of the old curator, their deputy and the supervisors; sent ones stay', async () => {
    const w = await world();
    const { oleg, anna, dmitry, elena, family, request, base } = w;
    const other = await createConfirmedRequest(db, { familyId: family.id });
    const label = new Map<number, string>();
    const routed = async (name: string, requestId: number | null, extra = {}) => {
      const id = await w.write(requestId, extra);
      label.set(id, name);
      await routeRelayedMessage({ db }, { messageId: id });
      return id;
    };
    await routed('m1', request.id);
    const m2 = await routed('m2', request.id);
    // m2 is in Олег's chat already.
    await db
      .update(notifications)
      .set({ status: 'sent', telegramMessageId: 77, sentAt: new Date() })
      .where(eq(notifications.dedupeKey, `message:${m2}:chat:${base + 1}`));
    // Олег is away from now on: Дмитрий stands in.
    await db
      .update(staff)
      .set({ awayUntil: new Date(Date.now() + 86_400_000), deputyId: dmitry.id })
      .where(eq(staff.id, oleg.id));
    await routed('m3', request.id);
    await routed('m4', request.id, { kind: 'photo', text: null, fileId: 'f', mediaGroupId: `g${base}` });
    await routed('m5', null);
    // A request nobody has: its messages go to the district supervisor.
    await routed('m6', other.id);
    const chatName = new Map(
      [oleg, anna, dmitry, elena].map((member, i) => [
        member.telegramId,
        ['oleg', 'anna', 'dmitry', 'elena'][i],
      ]),
    );
    const copies = async () =>
      (
        await db
          .select()
          .from(notifications)
          .where(and(eq(notifications.familyId, family.id), eq(notifications.kind, 'relay_to_staff')))
          .orderBy(asc(notifications.id))
      ).map((row) => {
        const name = `${label.get(row.payload.messageId as number)}${row.payload.album ? ' album' : ''}`;
        const state = row.status === 'failed' && row.lastError === withdrawnReason ? 'withdrawn' : row.status;
        const deputy = row.payload.deputyFor === undefined ? '' : ' (for oleg)';
        return `${name} → ${chatName.get(row.chatId)}${deputy}: ${state}`;
      });
    expect(await copies()).toEqual([
      'm1 → oleg: pending',
      'm2 → oleg: sent',
      'm3 → dmitry (for oleg): pending',
      'm4 album → dmitry (for oleg): pending',
      'm5 → dmitry (for oleg): pending',
      'm6 → elena: pending',
    ]);

    // The request goes to Анна: its messages still on their way follow it; the family's question does not.
    const byElena = { telegramId: elena.telegramId, requestId: request.id };
    expect((await reassignRequest(db, { ...byElena, toStaffId: anna.id })).ok).toBe(true);
    await runNotices();
    const afterRequest = [
      'm1 → oleg: withdrawn',
      'm2 → oleg: sent',
      'm3 → dmitry (for oleg): withdrawn',
      'm4 album → dmitry (for oleg): withdrawn',
      'm5 → dmitry (for oleg): pending',
      'm6 → elena: pending',
      'm1 → anna: pending',
      'm3 → anna: pending',
      'm4 album → anna: pending',
    ];
    expect(await copies()).toEqual(afterRequest);
    // The job run again makes nothing new.
    await runNotices();
    expect(await copies()).toEqual(afterRequest);

    // The family goes to Анна: its question and the request the supervisor had follow.
    expect((await reassignFamily(db, { ...byElena, toStaffId: anna.id })).ok).toBe(true);
    await runNotices();
    expect((await copies()).slice(afterRequest.length)).toEqual(['m5 → anna: pending', 'm6 → anna: pending']);
    expect((await copies()).slice(4, 6)).toEqual([
      'm5 → dmitry (for oleg): withdrawn',
      'm6 → elena: withdrawn',
    ]);

    // And the request back to Олег, still away, before Анна's copies went: Дмитрий gets them after all,
    // those withdrawn from his chat pending again.
    expect((await reassignRequest(db, { ...byElena, toStaffId: oleg.id })).ok).toBe(true);
    await runNotices();
    expect(await copies()).toEqual([
      'm1 → oleg: withdrawn',
      'm2 → oleg: sent',
      'm3 → dmitry (for oleg): pending',
      'm4 album → dmitry (for oleg): pending',
      'm5 → dmitry (for oleg): withdrawn',
      'm6 → elena: withdrawn',
      'm1 → anna: withdrawn',
      'm3 → anna: withdrawn',
      'm4 album → anna: withdrawn',
      'm5 → anna: pending',
      'm6 → anna: pending',
      'm1 → dmitry (for oleg): pending',
    ]);
  });
});

/** What a take-back turns the message in the chat into. */
async function takenBackText(chatId: number, messageId: number) {
  const [takeBack] = await retractionsOf(db, chatId, messageId);
  if (!takeBack) return undefined;
  const [row] = await db.select().from(notifications).where(eq(notifications.id, takeBack.id));
  return (await renderRetraction({ db, i18n: createI18n() }, row as Notification))?.text;
}

describe('a family’s message the previous curator was shown part of', () => {
  it('has the part shown taken back, saying who has the request now; the whole message goes to them', async () => {
    const w = await world();
    const messageId = await w.write(w.request.id, { kind: 'video_note', text: null, fileId: 'v' });
    await routeRelayedMessage({ db }, { messageId });
    // Sent in two parts: its label «💬 … · заявка № …» is in Олег's chat as message 501, the video note not yet.
    const olegsCopy = `message:${messageId}:chat:${w.oleg.telegramId}`;
    await db
      .update(notifications)
      .set({ payload: raw`${notifications.payload} || '{"sentHeadings":[501]}'::jsonb` })
      .where(eq(notifications.dedupeKey, olegsCopy));

    const byElena = { telegramId: w.elena.telegramId, requestId: w.request.id };
    expect((await reassignRequest(db, { ...byElena, toStaffId: w.anna.id })).ok).toBe(true);
    const queued = await runNotices();

    const [request] = await db
      .select({ number: requests.number })
      .from(requests)
      .where(eq(requests.id, w.request.id));
    expect(await takenBackText(w.oleg.telegramId, 501)).toBe(
      `Заявка № ${request!.number} передана другому куратору: ${w.anna.fullName}. Действия по ней вам больше недоступны, кнопки убраны.`,
    );
    // The take-back is put in Олег's lane with the rest of the job's notifications.
    const [takeBack] = await retractionsOf(db, w.oleg.telegramId, 501);
    expect(queued).toContain(takeBack!.id);
    // Анна gets the whole message, label and all: a copy of her own, not the rest of Олег's.
    const copies = await db
      .select({ chatId: notifications.chatId, status: notifications.status, payload: notifications.payload })
      .from(notifications)
      .where(
        raw`${notifications.kind} = 'relay_to_staff' and (${notifications.payload}->>'messageId')::bigint = ${messageId}`,
      )
      .orderBy(asc(notifications.id));
    expect(copies).toEqual([
      { chatId: w.oleg.telegramId, status: 'failed', payload: { messageId, sentHeadings: [501] } },
      { chatId: w.anna.telegramId, status: 'pending', payload: { messageId } },
    ]);
    // The job run again takes nothing back twice.
    await runNotices();
    expect(await retractionsOf(db, w.oleg.telegramId, 501)).toHaveLength(1);
  });
});

/**
 * The race: a family's message routed while a reassignment is being committed. The reassignment's
 * transaction is held open after its writes (two connections, no sleeps); the routing that starts then must
 * wait for it and give the copy to the new curator, never commit one to the curator who lost the request.
 */
describe('a family’s message routed while a reassignment commits', () => {
  const cases = [
    ['a request', 'by its routing job'],
    ['a request', 'by the outbox relay’s batch'],
    ['a family', 'by its routing job'],
    ['a family', 'by the outbox relay’s batch'],
  ] as const;

  it.each(cases)('of %s, routed %s, goes to the new curator', async (what, path) => {
    const w = await world();
    const messageId = await w.write(w.request.id);
    let committing!: () => void;
    const written = new Promise<void>((resolve) => {
      committing = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holder = 0;
    // The reassignment's transaction, held open once its writes are done.
    const held = {
      transaction: (work: (tx: unknown) => Promise<unknown>) =>
        db.transaction(async (tx) => {
          const result = await work(tx);
          const [me] = await (tx as DbOrTx).execute<{ pid: number }>(raw`select pg_backend_pid() as pid`);
          holder = me!.pid;
          committing();
          await released;
          return result;
        }),
    } as unknown as Db;
    const input = { telegramId: w.elena.telegramId, requestId: w.request.id, toStaffId: w.anna.id };
    const reassigned = what === 'a request' ? reassignRequest(held, input) : reassignFamily(held, input);
    await written;

    let done = false;
    const routing = (
      path === 'by its routing job'
        ? routeRelayedMessage({ db }, { messageId })
        : db.transaction((tx) => routeRelayedMessagesIn(tx, [{ messageId }]))
    ).then(() => {
      done = true;
    });
    // Until the routing waits on a lock the reassignment holds (or, were it not to wait, has finished).
    const waiting = async () =>
      (
        await db.execute<{ n: number }>(
          raw`select count(*)::int as n from pg_stat_activity where ${holder}::int = any(pg_blocking_pids(pid))`,
        )
      )[0]?.n ?? 0;
    for (let polls = 0; !done && (await waiting()) === 0 && polls < 500; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // It has not committed a copy meanwhile: it waits for the reassignment.
    const finishedFirst = done;
    release();
    expect(((await reassigned) as { ok: boolean }).ok).toBe(true);
    await routing;

    const copies = await db
      .select({ chatId: notifications.chatId, status: notifications.status })
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, 'relay_to_staff'),
          raw`(${notifications.payload}->>'messageId')::bigint = ${messageId}`,
        ),
      );
    expect(copies).toEqual([{ chatId: w.anna.telegramId, status: 'pending' }]);
    expect(finishedFirst).toBe(false);
  });
});
