import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCuratorInDistrict, createRegisteredFamily } from '../../../test/helpers/factories.js';
import { eventually } from '../../../test/helpers/pipeline.js';
import { createDb } from '../../db/client.js';
import { attachments, families, outbox, requestEvents, requests } from '../../db/schema/index.js';
import { OUTBOX_CHANNEL, writeOutbox } from '../../queue/outbox.js';
import {
  cancelRequest,
  createRequest,
  rateRequest,
  reopenRequest,
  saveRatingComment,
} from './requests.usecases.js';

const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
const timeZone = 'Europe/Moscow';
const now = new Date('2026-03-10T09:00:00Z');
let family: Awaited<ReturnType<typeof createRegisteredFamily>>;
let curatorId: number;

beforeAll(async () => {
  curatorId = (await createCuratorInDistrict(db, { fullName: 'Анна Петрова' })).id;
  family = await createRegisteredFamily(db, { telegramId: 5001, curatorId });
});
afterAll(async () => {
  await sql.end();
});

const legal = {
  category: 'legal',
  details: { topic: 'documents', description: '  Не могу получить   справку  ' },
};

describe('createRequest', () => {
  it('saves the request, its event, attachments and outbox row in one go, with the deadlines', async () => {
    const result = await createRequest(
      { db, timeZone, now },
      {
        familyId: family.family.id,
        memberId: family.member.id,
        submissionKey: 'key-legal-0001',
        draft: legal,
        attachments: [{ kind: 'photo', fileId: 'photo-1' }],
      },
    );
    expect(result).toMatchObject({ ok: true, created: true, curatorName: 'Анна Петрова' });
    if (!result.ok) throw new Error('not saved');
    expect(result.request.number).toBeGreaterThanOrEqual(1001);
    const [row] = await db.select().from(requests).where(eq(requests.id, result.request.id));
    expect(row).toMatchObject({
      category: 'legal',
      priority: 'normal',
      status: 'new',
      curatorId,
      details: { topic: 'documents', description: 'Не могу получить справку' },
      takeDeadlineAt: new Date('2026-03-10T13:00:00Z'),
      resolveDeadlineAt: new Date('2026-03-20T09:00:00Z'),
    });
    const events = await db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, result.request.id));
    expect(events.map((event) => event.type)).toEqual(['created']);
    expect(
      await db.select().from(attachments).where(eq(attachments.requestId, result.request.id)),
    ).toHaveLength(1);
    const rows = await db.select().from(outbox);
    expect(rows.filter((r) => r.payload.requestId === result.request.id)).toMatchObject([
      { kind: 'request_created' },
    ]);
  });

  it('saves a dialogue confirmed twice (even at the same moment) once', async () => {
    const input = {
      familyId: family.family.id,
      memberId: family.member.id,
      submissionKey: 'key-twice-0001',
      draft: { category: 'other', details: { text: 'Нужна помощь с дровами' } },
      attachments: [],
    };
    const [first, second] = await Promise.all([
      createRequest({ db, timeZone, now }, input),
      createRequest({ db, timeZone, now }, input),
    ]);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.request.number).toBe(second.request.number);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const rows = await db.select().from(requests).where(eq(requests.familyId, family.family.id));
    expect(rows.filter((r) => r.category === 'other')).toHaveLength(1);
  });

  it('makes a psychologist «прямо сейчас» urgent, with 15 minutes to take it', async () => {
    const result = await createRequest(
      { db, timeZone, now },
      {
        familyId: family.family.id,
        memberId: family.member.id,
        submissionKey: 'key-crisis-0001',
        draft: { category: 'psychologist', details: { forWhom: 'self', format: 'phone', urgency: 'now' } },
        attachments: [],
      },
    );
    if (!result.ok) throw new Error('not saved');
    expect(result.request.priority).toBe('urgent');
    const [row] = await db.select().from(requests).where(eq(requests.id, result.request.id));
    expect(row?.takeDeadlineAt).toEqual(new Date('2026-03-10T09:15:00Z'));
  });

  it('refuses details that break the category schema and saves nothing', async () => {
    const before = (await db.select().from(requests)).length;
    const result = await createRequest(
      { db, timeZone, now },
      {
        familyId: family.family.id,
        memberId: family.member.id,
        submissionKey: 'key-bad-0001',
        draft: {
          category: 'kindergarten_transfer',
          details: {
            child: { householdMemberId: null, name: 'Оля' },
            currentKindergarten: '№ 5',
            wantedKindergarten: '№ 12',
            wantedDate: '2026-03-09',
          },
        },
        attachments: [],
      },
    );
    expect(result).toMatchObject({ ok: false, reason: 'invalid_details' });
    expect((await db.select().from(requests)).length).toBe(before);
  });
});

describe('what a saved request writes, row by row', () => {
  /**
   * Every NOTIFY on the outbox channel, in commit order. `upTo` waits for a marker sent after what the test
   * did, so what did not notify by then never will (PostgreSQL delivers notifications in commit order).
   */
  async function listenToOutbox() {
    const heard: string[] = [];
    const listener = await sql.listen(OUTBOX_CHANNEL, (payload) => heard.push(payload));
    let markers = 0;
    return {
      async upTo(): Promise<string[]> {
        const marker = `marker-${++markers}`;
        await sql`select pg_notify(${OUTBOX_CHANNEL}, ${marker})`;
        await eventually(async () => heard.includes(marker), 10_000, 'the marker notification');
        return heard.splice(0).filter((payload) => !payload.startsWith('marker-'));
      },
      stop: () => listener.unlisten(),
    };
  }

  it('writes the request, its created event and one outbox row, and notifies the relay once, on commit', async () => {
    const outboxChannel = await listenToOutbox();
    const other = await createRegisteredFamily(db, { telegramId: 5011, curatorId });
    const input = {
      familyId: other.family.id,
      memberId: other.member.id,
      submissionKey: 'key-rows-0001',
      measureCode: 'transport',
      draft: { category: 'psychologist', details: { forWhom: 'self', format: 'phone', urgency: 'now' } },
      attachments: [],
    };
    const result = await createRequest({ db, timeZone, now }, input);
    if (!result.ok) throw new Error('not saved');
    const requestId = result.request.id;
    expect(await db.select().from(requests).where(eq(requests.familyId, other.family.id))).toMatchObject([
      {
        id: requestId,
        number: result.request.number,
        memberId: other.member.id,
        createdByStaffId: null,
        category: 'psychologist',
        details: { forWhom: 'self', format: 'phone', urgency: 'now' },
        measureCode: 'transport',
        priority: 'urgent',
        status: 'new',
        curatorId,
        createdAt: now,
        takeDeadlineAt: new Date('2026-03-10T09:15:00Z'),
      },
    ]);
    expect(await db.select().from(requestEvents).where(eq(requestEvents.requestId, requestId))).toMatchObject(
      [
        {
          type: 'created',
          actorKind: 'family',
          actorMemberId: other.member.id,
          actorStaffId: null,
          data: { submissionKey: 'key-rows-0001', priority: 'urgent', attachments: 0 },
          createdAt: now,
        },
      ],
    );
    const routed = (await db.select().from(outbox)).filter((row) => row.payload.requestId === requestId);
    expect(routed).toMatchObject([{ kind: 'request_created', payload: { requestId }, status: 'pending' }]);
    expect(await outboxChannel.upTo()).toEqual([String(routed[0]!.id)]);

    // Confirmed again: the same request, as it is (its priority), and nothing written or notified.
    const again = await createRequest({ db, timeZone, now }, input);
    expect(again).toEqual({ ...result, created: false });
    expect(await outboxChannel.upTo()).toEqual([]);
    expect(
      (await db.select().from(outbox)).filter((row) => row.payload.requestId === requestId),
    ).toHaveLength(1);

    // A curator's request on the family's behalf: its event names the curator.
    const byCurator = await createRequest(
      { db, timeZone, now },
      { ...input, submissionKey: 'key-rows-0002', createdByStaffId: curatorId },
    );
    if (!byCurator.ok) throw new Error('not saved');
    const [event] = await db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, byCurator.request.id));
    expect(event).toMatchObject({ actorKind: 'staff', actorStaffId: curatorId, actorMemberId: null });
    expect(await outboxChannel.upTo()).toHaveLength(1);

    // An erased family: nothing saved, nothing notified.
    await db.update(families).set({ erasedAt: now }).where(eq(families.id, other.family.id));
    expect(await createRequest({ db, timeZone, now }, { ...input, submissionKey: 'key-rows-0003' })).toEqual({
      ok: false,
      reason: 'family_not_found',
    });
    expect(await db.select().from(requests).where(eq(requests.familyId, other.family.id))).toHaveLength(2);
    expect(await outboxChannel.upTo()).toEqual([]);
    await outboxChannel.stop();
  });

  it('notifies the relay of an outbox row written on its own (writeOutbox), on commit', async () => {
    const outboxChannel = await listenToOutbox();
    const id = await db.transaction((tx) =>
      writeOutbox(tx, { kind: 'family_without_curator', payload: { familyId: family.family.id } }),
    );
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ kind: 'family_without_curator', payload: { familyId: family.family.id } });
    expect(await outboxChannel.upTo()).toEqual([String(id)]);
    await outboxChannel.stop();
  });
});

describe('cancel, reopen and rate', () => {
  async function newRequest(key: string) {
    const result = await createRequest(
      { db, timeZone, now },
      {
        familyId: family.family.id,
        memberId: family.member.id,
        submissionKey: key,
        draft: legal,
        attachments: [],
      },
    );
    if (!result.ok) throw new Error('not saved');
    return result.request.id;
  }
  const ids = () => ({ familyId: family.family.id, memberId: family.member.id });

  it('cancels an open request once, and refuses another family', async () => {
    const requestId = await newRequest('key-cancel-0001');
    const other = await createRegisteredFamily(db, { telegramId: 5002 });
    expect(
      await cancelRequest(
        { db, timeZone },
        { familyId: other.family.id, memberId: other.member.id, requestId },
      ),
    ).toEqual({ ok: false, reason: 'not_found' });
    expect(await cancelRequest({ db, timeZone }, { ...ids(), requestId })).toMatchObject({ ok: true });
    expect(await cancelRequest({ db, timeZone }, { ...ids(), requestId })).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
    const [row] = await db.select().from(requests).where(eq(requests.id, requestId));
    expect(row?.status).toBe('cancelled');
  });

  it('reopens a resolved request within 7 days only, and rates it', async () => {
    const requestId = await newRequest('key-reopen-0001');
    const resolvedAt = new Date('2026-03-11T09:00:00Z');
    await db.update(requests).set({ status: 'resolved', resolvedAt }).where(eq(requests.id, requestId));

    expect(await rateRequest({ db, timeZone }, { ...ids(), requestId, rating: 4 })).toMatchObject({
      ok: true,
    });
    expect(await saveRatingComment({ db, timeZone }, { ...ids(), requestId, comment: 'Спасибо' })).toEqual({
      ok: true,
    });
    const late = new Date('2026-03-18T09:00:01Z');
    expect(await reopenRequest({ db, timeZone, now: late }, { ...ids(), requestId })).toEqual({
      ok: false,
      reason: 'not_allowed',
    });
    const inTime = new Date('2026-03-17T09:00:00Z');
    expect(await reopenRequest({ db, timeZone, now: inTime }, { ...ids(), requestId })).toMatchObject({
      ok: true,
    });
    const [row] = await db.select().from(requests).where(eq(requests.id, requestId));
    expect(row).toMatchObject({
      status: 'in_progress',
      rating: 4,
      ratingComment: 'Спасибо',
      resolvedAt: null,
    });
    const events = await db.select().from(requestEvents).where(eq(requestEvents.requestId, requestId));
    expect(events.map((event) => event.type)).toEqual(['created', 'rated', 'reopened']);
  });
});
