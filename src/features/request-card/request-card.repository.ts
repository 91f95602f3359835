import { asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import type { ConsultationStatus } from '../../db/schema/enums.js';
import {
  attachments,
  auditLog,
  consultations,
  districts,
  families,
  familyMembers,
  measures,
  notifications,
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
  return bindDb(db, {
    findCard,
    attachmentsOf,
    latestOfFamily,
    recordDetailsView,
    attachmentsByIds,
    recordShownCard,
  });
}

/** The request's files in the order the family sent them. */
function attachmentsOf(db: DbOrTx, requestId: number) {
  return selectAttachments(db, eq(attachments.requestId, requestId));
}

/** The applicant's name: the request's member, else the family's first (a request made by a curator). */
const applicantName = sql<string | null>`case when ${requests.memberId} is null
  then (select ${familyMembers.fullName} from ${familyMembers}
    where ${familyMembers.familyId} = ${requests.familyId} order by ${familyMembers.id} limit 1)
  else (select ${familyMembers.fullName} from ${familyMembers} where ${familyMembers.id} = ${requests.memberId}) end`;

/** The request's files in the order the family sent them, as JSON (see CardAttachment). */
const filesJson = sql<CardAttachment[]>`coalesce((select json_agg(json_build_object(
    'id', a.id, 'requestId', a.request_id, 'kind', a.kind, 'fileId', a.file_id, 'fileName', a.file_name
  ) order by a.id) from ${attachments} a where a.request_id = ${requests.id}), '[]'::json)`;

/** The latest consultation's status and time only: what was said (the notes) stays with the psychologist. */
const consultationJson = sql<{ status: ConsultationStatus; startsAt: string } | null>`(select
  json_build_object('status', c.status, 'startsAt', c.starts_at)
  from ${consultations} c where c.request_id = ${requests.id} order by c.id desc limit 1)`;

/** A request as its card shows it, in one statement (the card is on the way to a curator: no round trip more). */
async function findCard(db: DbOrTx, requestId: number) {
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
      resolveDeadlineAt: requests.resolveDeadlineAt,
      district: districts.name,
      measure: measures.title,
      applicant: applicantName,
      files: filesJson,
      consultation: consultationJson,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .innerJoin(districts, eq(districts.id, families.districtId))
    .leftJoin(measures, eq(measures.code, requests.measureCode))
    .where(eq(requests.id, requestId));
  if (!row) return undefined;
  const { consultation, ...card } = row;
  return {
    ...card,
    consultation: consultation && { status: consultation.status, startsAt: new Date(consultation.startsAt) },
  };
}

/** The family's latest requests with their answers, newest first (the family card's list). */
async function latestOfFamily(db: DbOrTx, familyId: number) {
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
}

/** A staff read of a request's answers in full (SPEC §8: every staff read of personal data is logged). */
async function recordDetailsView(
  db: DbOrTx,
  values: { staffId: number; familyId: number; requestId: number; now: Date },
) {
  await db.insert(auditLog).values({
    staffId: values.staffId,
    action: 'request_details_viewed',
    familyId: values.familyId,
    requestId: values.requestId,
    createdAt: values.now,
  });
}

async function attachmentsByIds(db: DbOrTx, ids: number[]) {
  return ids.length === 0 ? [] : selectAttachments(db, inArray(attachments.id, ids));
}

async function recordShownCard(
  db: DbOrTx,
  kind: string,
  card: {
    requestId: number;
    staffId: number;
    chatId: number;
    telegramMessageId: number;
  },
) {
  const [request] = await db
    .select({ familyId: requests.familyId })
    .from(requests)
    .where(eq(requests.id, card.requestId));
  await db
    .insert(notifications)
    .values({
      dedupeKey: `shown:${card.chatId}:${card.telegramMessageId}`,
      kind,
      requestId: card.requestId,
      familyId: request?.familyId ?? null,
      recipientStaffId: card.staffId,
      chatId: card.chatId,
      status: 'sent',
      telegramMessageId: card.telegramMessageId,
      sentAt: new Date(),
    })
    .onConflictDoNothing();
}

export type RequestCardRepository = ReturnType<typeof createRequestCardRepository>;
export type RequestCardData = NonNullable<Awaited<ReturnType<RequestCardRepository['findCard']>>>;
export type CardAttachment = Awaited<ReturnType<typeof attachmentsOf>>[number];
