import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import {
  attachments,
  families,
  householdMembers,
  messages,
  requestEvents,
  requests,
  staff,
} from '../../db/schema/index.js';

/** Reads and writes of the family side of requests. Every read by a family is scoped to its family id. */
export function createRequestsRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    familyForRequest,
    household,
    findBySubmissionKey,
    insertRequest,
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

/** The family a request is made for, with its curator (for the confirmation) and passport address. */
async function familyForRequest(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({
      id: families.id,
      curatorId: families.curatorId,
      address: families.address,
      locality: families.locality,
      erasedAt: families.erasedAt,
      curatorName: staff.fullName,
    })
    .from(families)
    .leftJoin(staff, eq(staff.id, families.curatorId))
    .where(eq(families.id, familyId));
  return row;
}

/** Children and relatives of the passport, to choose from in a request dialogue. */
async function household(db: DbOrTx, familyId: number) {
  return db
    .select({ id: householdMembers.id, kind: householdMembers.kind, fullName: householdMembers.fullName })
    .from(householdMembers)
    .where(eq(householdMembers.familyId, familyId))
    .orderBy(asc(householdMembers.id));
}

/** The request a submission key produced already, if the same dialogue was confirmed before. */
async function findBySubmissionKey(db: DbOrTx, familyId: number, submissionKey: string) {
  const [row] = await db
    .select({ id: requests.id, number: requests.number })
    .from(requests)
    .innerJoin(requestEvents, eq(requestEvents.requestId, requests.id))
    .where(
      and(
        eq(requests.familyId, familyId),
        eq(requestEvents.type, 'created'),
        sql`${requestEvents.data}->>'submissionKey' = ${submissionKey}`,
      ),
    );
  return row;
}

async function insertRequest(db: DbOrTx, values: typeof requests.$inferInsert) {
  const [row] = await db.insert(requests).values(values).returning();
  return row!;
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
