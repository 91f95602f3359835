import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import type { RequestCategory, RequestPriority, StaffRole } from '../../src/db/schema/enums.js';
import {
  districts,
  families,
  familyMembers,
  notifications,
  requestEvents,
  requests,
  staff,
  staffDistricts,
} from '../../src/db/schema/index.js';
import { type DeadlinePolicies, deadlinesFor } from '../../src/deadline-policies.js';
import { writeOutbox } from '../../src/queue/outbox.js';

/** Factories for routing and delivery tests: staff with a Telegram chat, families, confirmed requests. */

export async function districtByCode(db: Db, code: string) {
  const [row] = await db.select().from(districts).where(eq(districts.code, code));
  if (!row) throw new Error(`district ${code} is not seeded`);
  return row;
}

export interface StaffMemberOptions {
  role?: StaffRole;
  telegramId: number;
  fullName?: string;
  districtIds?: number[];
  regional?: boolean;
  onCall?: boolean;
  active?: boolean;
  awayUntil?: Date | null;
  deputyId?: number | null;
}

/** A staff member bound to a Telegram account (an emulator user's id). */
export async function createStaffMember(db: Db, options: StaffMemberOptions) {
  const [member] = await db
    .insert(staff)
    .values({
      role: options.role ?? 'curator',
      telegramId: options.telegramId,
      fullName: options.fullName ?? `Сотрудник ${options.telegramId}`,
      regional: options.regional ?? false,
      onCall: options.onCall ?? false,
      active: options.active ?? true,
      awayUntil: options.awayUntil ?? null,
      deputyId: options.deputyId ?? null,
    })
    .returning();
  if (options.districtIds?.length) {
    await db
      .insert(staffDistricts)
      .values(options.districtIds.map((districtId) => ({ staffId: member!.id, districtId })));
  }
  return member!;
}

/** A registered family with one member (no Telegram account needed: staff are the recipients here). */
export async function createFamilyWithMember(
  db: Db,
  options: { districtId: number; curatorId?: number | null; memberName?: string },
) {
  const [family] = await db
    .insert(families)
    .values({ districtId: options.districtId, curatorId: options.curatorId ?? null })
    .returning();
  const [member] = await db
    .insert(familyMembers)
    .values({
      familyId: family!.id,
      fullName: options.memberName ?? 'Мария Иванова',
      relationship: 'wife',
      consentVersion: '1',
      consentAt: new Date(),
    })
    .returning();
  return { family: family!, member: member! };
}

/**
 * A request the family has just confirmed, written the way the family side writes it: the request, its
 * `created` event and the `request_created` outbox row in one transaction.
 */
export async function createConfirmedRequest(
  db: Db,
  options: {
    familyId: number;
    memberId?: number;
    category?: RequestCategory;
    priority?: RequestPriority;
    createdAt?: Date;
    /** The deadline policies the service under test runs (the SPEC §5 defaults when absent). */
    policies?: DeadlinePolicies;
  },
) {
  const category = options.category ?? 'nanny';
  const priority = options.priority ?? 'normal';
  const createdAt = options.createdAt ?? new Date();
  return db.transaction(async (tx) => {
    const [request] = await tx
      .insert(requests)
      .values({
        familyId: options.familyId,
        memberId: options.memberId ?? null,
        category,
        priority,
        details: {},
        createdAt,
        ...deadlinesFor(category, priority, createdAt, options.policies),
      })
      .returning();
    await tx
      .insert(requestEvents)
      .values({ requestId: request!.id, type: 'created', actorKind: 'family', data: {} });
    await writeOutbox(tx, { kind: 'request_created', payload: { requestId: request!.id } });
    return request!;
  });
}

/**
 * Many confirmed requests at once (bulk inserts, one outbox NOTIFY per row), for load tests: request i
 * goes to family i % families.length. Returns the requests in creation order.
 */
export async function createConfirmedRequestsInBulk(
  db: Db,
  familyIds: number[],
  count: number,
  category: RequestCategory = 'nanny',
) {
  const createdAt = new Date();
  const rows = Array.from({ length: count }, (_, index) => ({
    familyId: familyIds[index % familyIds.length]!,
    category,
    details: {},
    createdAt,
    ...deadlinesFor(category, 'normal', createdAt),
  }));
  return db.transaction(async (tx) => {
    const created = await tx
      .insert(requests)
      .values(rows)
      .returning({ id: requests.id, number: requests.number });
    created.sort((a, b) => a.id - b.id);
    for (const request of created) {
      await writeOutbox(tx, { kind: 'request_created', payload: { requestId: request.id } });
    }
    return created;
  });
}

/** Notification rows by status, to check what PostgreSQL says was delivered. */
export async function notificationStatusCounts(db: Db) {
  const rows = await db
    .select({ status: notifications.status, count: sql<number>`count(*)::int` })
    .from(notifications)
    .groupBy(notifications.status);
  return Object.fromEntries(rows.map((row) => [row.status, row.count])) as Partial<
    Record<'pending' | 'sent' | 'failed' | 'unreachable', number>
  >;
}
