import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import type { ActorKind, HouseholdKind, RequestCategory, RequestPriority } from '../../db/schema/enums.js';
import {
  attachments,
  families,
  householdMembers,
  messages,
  requestEvents,
  requests,
  staff,
} from '../../db/schema/index.js';
import { notifyOutbox, outboxRowsFrom } from '../../queue/outbox.js';

/** Reads and writes of the family side of requests. Every read by a family is scoped to its family id. */
export function createRequestsRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    passportForRequest,
    saveSubmission,
    insertEvent,
    insertAttachments,
    countFamilyRequests,
    familyRequestsPage,
    familyRequest,
    lockFamilyRequest,
    updateRequest,
    events,
    curatorMessages,
    attachmentCount,
    staffName,
  });
}

/**
 * The passport a request dialogue chooses from, in one query: the family's address and its children and
 * relatives (in the order added). Undefined when there is no such family.
 */
async function passportForRequest(db: DbOrTx, familyId: number) {
  const [row] = await db.execute<{
    address: string | null;
    household: { id: number; kind: HouseholdKind; fullName: string }[];
  }>(sql`
    select f.address, coalesce((
      select json_agg(json_build_object('id', h.id, 'kind', h.kind, 'fullName', h.full_name) order by h.id)
      from ${householdMembers} h where h.family_id = f.id), '[]') as household
    from ${families} f where f.id = ${familyId}`);
  return row;
}

/** A confirmed request as saveSubmission writes it: what the family said and what the use case decided. */
export interface Submission {
  familyId: number;
  memberId: number;
  submissionKey: string;
  category: RequestCategory;
  details: Record<string, unknown>;
  measureCode: string | null;
  priority: RequestPriority;
  takeDeadlineAt: Date;
  resolveDeadlineAt: Date;
  /** Who the `created` event names: the family member, or the staff member who made it for them. */
  actor: { kind: ActorKind; staffId: number | null; memberId: number | null };
  /** The `created` event's data (ids and codes only). */
  eventData: Record<string, unknown>;
  createdAt: Date;
}

type SavedRequest = { id: number; number: number; priority: RequestPriority };

interface SavedSubmission {
  curatorName: string | null;
  erased: boolean;
  /** The request this key produced before (a second confirm), if any: nothing was written then. */
  earlier?: SavedRequest;
  /** The request written now, if the family is not erased and the key is new. */
  created?: SavedRequest;
}

const savedRequest = (id: unknown, number: unknown, priority: unknown): SavedRequest | undefined =>
  id == null ? undefined : { id: Number(id), number: Number(number), priority: priority as RequestPriority };

/**
 * A confirmed request, saved once per submission key, in ONE statement: the family and its curator read;
 * the request its key produced already, if any; otherwise (and unless the family is erased) the new request
 * with the family's curator, its `created` event and the outbox row that routes it to a curator, with the
 * row's NOTIFY (sent when the caller's transaction commits). Undefined: no such family. The caller holds
 * the family's submission lock, taken before this statement began, so a concurrent confirm of the same key
 * is either seen here or waits for this one.
 */
async function saveSubmission(db: DbOrTx, s: Submission): Promise<SavedSubmission | undefined> {
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
  const [row] = await db.execute<Record<string, unknown>>(sql`
    with family as (
      select f.id, f.curator_id, f.erased_at is not null as erased, s.full_name as curator_name
      from ${families} f left join ${staff} s on s.id = f.curator_id where f.id = ${s.familyId}),
    earlier as (
      select r.id, r.number, r.priority from ${requests} r
      join ${requestEvents} e on e.request_id = r.id and e.type = 'created'
      where r.family_id = ${s.familyId} and e.data->>'submissionKey' = ${s.submissionKey} limit 1),
    request as (
      insert into ${requests} (family_id, member_id, category, details, measure_code, priority, status,
        curator_id, created_at, take_deadline_at, resolve_deadline_at)
      select family.id, ${s.memberId}::int, ${s.category}::request_category, ${JSON.stringify(s.details)}::jsonb,
        ${s.measureCode}::text, ${s.priority}::request_priority, 'new', family.curator_id, ${at(s.createdAt)},
        ${at(s.takeDeadlineAt)}, ${at(s.resolveDeadlineAt)}
      from family where not family.erased and not exists (select 1 from earlier)
      returning id, number, priority),
    event as (
      insert into ${requestEvents} (request_id, type, actor_kind, actor_staff_id, actor_member_id, data, created_at)
      select id, 'created', ${s.actor.kind}::actor_kind, ${s.actor.staffId}::int, ${s.actor.memberId}::int,
        ${JSON.stringify(s.eventData)}::jsonb, ${at(s.createdAt)}
      from request),
    routed as (${outboxRowsFrom('request_created', sql`jsonb_build_object('requestId', id)`, sql`request`)}),
    notified as (select id, ${notifyOutbox(sql`id`)} from routed)
    select family.erased, family.curator_name, earlier.id as earlier_id, earlier.number as earlier_number,
      earlier.priority as earlier_priority, request.id, request.number, request.priority, notified.id as outbox_id
    from family left join earlier on true left join request on true left join notified on true`);
  if (!row) return undefined;
  const earlier = savedRequest(row.earlier_id, row.earlier_number, row.earlier_priority);
  const created = savedRequest(row.id, row.number, row.priority);
  return {
    curatorName: (row.curator_name as string | null) ?? null,
    erased: row.erased === true,
    ...(earlier ? { earlier } : {}),
    ...(created ? { created } : {}),
  };
}

async function insertEvent(db: DbOrTx, values: typeof requestEvents.$inferInsert) {
  await db.insert(requestEvents).values(values);
}

async function insertAttachments(db: DbOrTx, values: (typeof attachments.$inferInsert)[]) {
  if (values.length > 0) await db.insert(attachments).values(values);
}

async function countFamilyRequests(db: DbOrTx, familyId: number) {
  const [row] = await db.select({ value: count() }).from(requests).where(eq(requests.familyId, familyId));
  return row?.value ?? 0;
}

/** One page of the family's requests, newest first. */
async function familyRequestsPage(db: DbOrTx, familyId: number, offset: number, limit: number) {
  return db
    .select({
      id: requests.id,
      number: requests.number,
      category: requests.category,
      status: requests.status,
      priority: requests.priority,
      createdAt: requests.createdAt,
    })
    .from(requests)
    .where(eq(requests.familyId, familyId))
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .offset(offset)
    .limit(limit);
}

/** A request only if it belongs to this family: the one check every family-side button goes through. */
async function familyRequest(db: DbOrTx, familyId: number, requestId: number) {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.id, requestId), eq(requests.familyId, familyId)));
  return row;
}

/** Locks the family's request for a status change in this transaction. */
async function lockFamilyRequest(db: DbOrTx, familyId: number, requestId: number) {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.id, requestId), eq(requests.familyId, familyId)))
    .for('update');
  return row;
}

async function updateRequest(db: DbOrTx, requestId: number, values: Partial<typeof requests.$inferInsert>) {
  const [row] = await db
    .update(requests)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(requests.id, requestId))
    .returning();
  return row!;
}

async function events(db: DbOrTx, requestId: number) {
  return db
    .select({
      type: requestEvents.type,
      actorKind: requestEvents.actorKind,
      data: requestEvents.data,
      createdAt: requestEvents.createdAt,
      staffName: staff.fullName,
    })
    .from(requestEvents)
    .leftJoin(staff, eq(staff.id, requestEvents.actorStaffId))
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.id));
}

/** What the curators wrote to the family about this request, oldest first. */
async function curatorMessages(db: DbOrTx, requestId: number) {
  return db
    .select({
      kind: messages.kind,
      text: messages.text,
      createdAt: messages.createdAt,
      staffName: staff.fullName,
    })
    .from(messages)
    .leftJoin(staff, eq(staff.id, messages.senderStaffId))
    .where(and(eq(messages.requestId, requestId), eq(messages.direction, 'staff_to_family')))
    .orderBy(asc(messages.id));
}

async function attachmentCount(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({ value: count() })
    .from(attachments)
    .where(eq(attachments.requestId, requestId));
  return row?.value ?? 0;
}

async function staffName(db: DbOrTx, staffId: number) {
  const [row] = await db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, staffId));
  return row?.fullName;
}

export type RequestsRepository = ReturnType<typeof createRequestsRepository>;
