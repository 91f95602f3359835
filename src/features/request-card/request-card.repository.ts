import { asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  attachments,
  auditLog,
  districts,
  families,
  familyMembers,
  requests,
} from '../../db/schema/index.js';

function selectAttachments(db: DbOrTx, where: SQL | undefined) {
  return db
    .select({
      id: attachments.id,
      requestId: attachments.requestId,
      kind: attachments.kind,
      fileId: attachments.fileId,
      fileName: attachments.fileName,
    })
    .from(attachments)
    .where(where)
    .orderBy(asc(attachments.id));
}

/** Reads of a request as staff see it on its card: the request, its district, the applicant, the files. */
export function createRequestCardRepository({ db }: { db: DbOrTx }) {
  return {
    async findCard(requestId: number) {
      const [row] = await db
        .select({
          id: requests.id,
          number: requests.number,
          category: requests.category,
          priority: requests.priority,
          status: requests.status,
          details: requests.details,
          memberId: requests.memberId,
          familyId: requests.familyId,
          takeDeadlineAt: requests.takeDeadlineAt,
          district: districts.name,
        })
        .from(requests)
        .innerJoin(families, eq(families.id, requests.familyId))
        .innerJoin(districts, eq(districts.id, families.districtId))
        .where(eq(requests.id, requestId));
      if (!row) return undefined;
      const [member] = await db
        .select({ fullName: familyMembers.fullName })
        .from(familyMembers)
        .where(
          row.memberId === null
            ? eq(familyMembers.familyId, row.familyId)
            : eq(familyMembers.id, row.memberId),
        )
        .orderBy(asc(familyMembers.id))
        .limit(1);
      const files = await this.attachmentsOf(requestId);
      return { ...row, applicant: member?.fullName ?? null, files };
    },

    /** The request's files in the order the family sent them. */
    attachmentsOf: (requestId: number) => selectAttachments(db, eq(attachments.requestId, requestId)),

    /** The family's latest requests with their answers, newest first (the family card's list). */
    async latestOfFamily(familyId: number) {
      return db
        .select({
          id: requests.id,
          number: requests.number,
          category: requests.category,
          status: requests.status,
          details: requests.details,
        })
        .from(requests)
        .where(eq(requests.familyId, familyId))
        .orderBy(desc(requests.id))
        .limit(10);
    },

    /** A staff read of a request's answers in full (SPEC §8: every staff read of personal data is logged). */
    async recordDetailsView(values: { staffId: number; familyId: number; requestId: number; now: Date }) {
      await db.insert(auditLog).values({
        staffId: values.staffId,
        action: 'request_details_viewed',
        familyId: values.familyId,
        requestId: values.requestId,
        createdAt: values.now,
      });
    },

    async attachmentsByIds(ids: number[]) {
      return ids.length === 0 ? [] : selectAttachments(db, inArray(attachments.id, ids));
    },
  };
}

export type RequestCardRepository = ReturnType<typeof createRequestCardRepository>;
export type RequestCardData = NonNullable<Awaited<ReturnType<RequestCardRepository['findCard']>>>;
export type CardAttachment = RequestCardData['files'][number];
