import { eq } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { families, messages, requestEvents, requests, staff } from '../../db/schema/index.js';

/** Reads and writes of the curator workspace. Accepts a transaction so a status change commits as one. */
export function createCuratorRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    lockRequest,
    findRequest,
    updateRequest,
    insertEvent,
    insertStaffMessage,
    staffName,
  });
}

/** The request with its family's district; the request row locked until the transaction ends. */
async function lockRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({ request: requests, districtId: families.districtId })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(eq(requests.id, requestId))
    .for('update', { of: requests });
  return row;
}

async function findRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({ request: requests, districtId: families.districtId })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(eq(requests.id, requestId));
  return row;
}

async function updateRequest(db: DbOrTx, requestId: number, values: Partial<typeof requests.$inferInsert>) {
  await db.update(requests).set(values).where(eq(requests.id, requestId));
}

async function insertEvent(db: DbOrTx, values: typeof requestEvents.$inferInsert) {
  await db.insert(requestEvents).values(values);
}

/** A curator's words to the family (a comment, a question, a reason): kept as a message of the request. */
async function insertStaffMessage(
  db: DbOrTx,
  values: {
    requestId: number;
    familyId: number;
    staffId: number;
    text: string;
    now: Date;
  },
) {
  const [row] = await db
    .insert(messages)
    .values({
      requestId: values.requestId,
      familyId: values.familyId,
      direction: 'staff_to_family',
      senderStaffId: values.staffId,
      kind: 'text',
      text: values.text,
      createdAt: values.now,
    })
    .returning({ id: messages.id });
  return row!.id;
}

async function staffName(db: DbOrTx, staffId: number) {
  const [row] = await db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, staffId));
  return row?.fullName;
}

export type CuratorRepository = ReturnType<typeof createCuratorRepository>;
