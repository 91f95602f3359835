import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  auditLog,
  families,
  familyMembers,
  messages,
  requestEvents,
  requests,
  staff,
  staffDistricts,
} from '../../db/schema/index.js';

/** Reads and writes of the curator workspace. Accepts a transaction so a status change commits as one. */
export function createCuratorRepository({ db }: { db: DbOrTx }) {
  return {
    /** The staff member behind a Telegram account, with the districts they cover. */
    async staffByTelegramId(telegramId: number) {
      const [row] = await db.select().from(staff).where(eq(staff.telegramId, telegramId));
      if (!row) return undefined;
      const districts = await db
        .select({ districtId: staffDistricts.districtId })
        .from(staffDistricts)
        .where(eq(staffDistricts.staffId, row.id));
      return { ...row, districtIds: districts.map((d) => d.districtId) };
    },

    /** The request with its family's district; the request row locked until the transaction ends. */
    async lockRequest(requestId: number) {
      const [row] = await db
        .select({ request: requests, districtId: families.districtId })
        .from(requests)
        .innerJoin(families, eq(families.id, requests.familyId))
        .where(eq(requests.id, requestId))
        .for('update', { of: requests });
      return row;
    },

    async findRequest(requestId: number) {
      const [row] = await db
        .select({ request: requests, districtId: families.districtId })
        .from(requests)
        .innerJoin(families, eq(families.id, requests.familyId))
        .where(eq(requests.id, requestId));
      return row;
    },

    async updateRequest(requestId: number, values: Partial<typeof requests.$inferInsert>) {
      await db.update(requests).set(values).where(eq(requests.id, requestId));
    },

    async insertEvent(values: typeof requestEvents.$inferInsert) {
      await db.insert(requestEvents).values(values);
    },

    /** A curator's words to the family (a comment, a question, a reason): kept as a message of the request. */
    async insertStaffMessage(values: {
      requestId: number;
      familyId: number;
      staffId: number;
      text: string;
      now: Date;
    }) {
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
    },

    /** The family's members as staff see them: names and phones (erased members are left out). */
    async familyMembersOf(familyId: number) {
      return db
        .select({ fullName: familyMembers.fullName, phone: familyMembers.phone })
        .from(familyMembers)
        .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
        .orderBy(asc(familyMembers.id));
    },

    /** A staff read of a family's personal data (SPEC §8). */
    async recordFamilyCardView(values: { staffId: number; familyId: number; requestId: number; now: Date }) {
      await db.insert(auditLog).values({
        staffId: values.staffId,
        action: 'family_card_viewed',
        familyId: values.familyId,
        requestId: values.requestId,
        createdAt: values.now,
      });
      await db.insert(requestEvents).values({
        requestId: values.requestId,
        type: 'family_card_viewed',
        actorKind: 'staff',
        actorStaffId: values.staffId,
        createdAt: values.now,
      });
    },

    async staffName(staffId: number) {
      const [row] = await db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, staffId));
      return row?.fullName;
    },
  };
}

export type CuratorRepository = ReturnType<typeof createCuratorRepository>;
