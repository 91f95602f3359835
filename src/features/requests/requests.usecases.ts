import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import type { RequestPriority, RequestStatus } from '../../db/schema/enums.js';
import { type DeadlinePolicies, deadlinesFor } from '../../deadline-policies.js';
import { writeOutbox } from '../../queue/outbox.js';
import { regionDate } from '../../time.js';
import { createRequestsRepository, type Submission } from './requests.repository.js';
import {
  type AttachmentInput,
  attachmentInputSchema,
  isCrisis,
  MAX_ATTACHMENTS,
  parseRequestDraft,
  type RequestDraft,
} from './requests.schemas.js';

/**
 * The passport a request dialogue chooses from, in one query: the family's address and its children and
 * relatives. Undefined when there is no such family.
 */
export function passportForRequest(db: DbOrTx, familyId: number) {
  return createRequestsRepository({ db }).passportForRequest(familyId);
}

export interface RequestsDeps {
  db: DbOrTx;
  timeZone: string;
  now?: Date;
  /** The configured deadline policies (DEADLINE_POLICIES_FILE); the SPEC §5 defaults when absent. */
  policies?: DeadlinePolicies;
}

// Advisory lock class for request submissions; the second key is the family id.
const SUBMISSION_LOCK_CLASS = 731_001;

export const submissionKeySchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export type CreateRequestResult =
  | {
      ok: true;
      request: { id: number; number: number; priority: 'normal' | 'urgent' };
      curatorName: string | null;
      /** False when this submission had been saved before (a second confirm press): nothing new was written. */
      created: boolean;
    }
  | { ok: false; reason: 'invalid_details'; issues: string[] }
  | { ok: false; reason: 'family_not_found' };

/**
 * Saves a confirmed request in one transaction: the request (number from the sequence, validated details,
 * priority, deadlines, the family's curator), its `created` event, its attachments and the outbox row that
 * routes it to a curator. The same `submissionKey` (one per dialogue) saves once: a second confirm returns
 * the first request. Without files or anything `alsoInTransaction`, four statements: BEGIN, the family's
 * submission lock, saveSubmission, COMMIT.
 */
export async function createRequest(
  deps: RequestsDeps,
  input: {
    familyId: number;
    memberId: number;
    submissionKey: string;
    draft: { category: unknown; details: unknown };
    attachments: AttachmentInput[];
    /** A curator creating the request on the family's behalf (phone intake): the `created` event names them. */
    createdByStaffId?: number;
    /** The support measure whose «Хочу оформить» started it (`measures.code`): the curator's card names it. */
    measureCode?: string;
    /** What else must commit with a new request (the family's held messages it took in). */
    alsoInTransaction?: (tx: DbOrTx, requestId: number) => Promise<void>;
  },
): Promise<CreateRequestResult> {
  const now = deps.now ?? new Date();
  const submissionKey = submissionKeySchema.parse(input.submissionKey);
  const parsed = parseRequestDraft(input.draft, regionDate(now, deps.timeZone));
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid_details',
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    };
  }
  const files = z.array(attachmentInputSchema).max(MAX_ATTACHMENTS).parse(input.attachments);
  const draft: RequestDraft = parsed.data;

  return deps.db.transaction(async (tx) => {
    const repository = createRequestsRepository({ db: tx });
    // Before the statement that looks for the key's request, so that it sees one a concurrent confirm saved.
    await tx.execute(
      sql`select pg_advisory_xact_lock(${SUBMISSION_LOCK_CLASS}::int, ${input.familyId}::int)`,
    );
    const saved = await repository.saveSubmission(
      submissionOf({ ...input, submissionKey, draft, files, now }, deps.policies),
    );
    if (!saved || saved.erased) return { ok: false, reason: 'family_not_found' } as const;
    const request = saved.created ?? saved.earlier!;
    if (saved.created) {
      await repository.insertAttachments(
        files.map((file) => ({ ...file, requestId: request.id, createdAt: now })),
      );
      if (input.alsoInTransaction) await input.alsoInTransaction(tx, request.id);
    }
    return {
      ok: true,
      request,
      curatorName: saved.curatorName,
      created: saved.created !== undefined,
    } as const;
  });
}

/** What saveSubmission writes for a new request: its priority and deadlines, and who its `created` event names. */
function submissionOf(
  input: {
    familyId: number;
    memberId: number;
    createdByStaffId?: number;
    measureCode?: string;
    submissionKey: string;
    draft: RequestDraft;
    files: z.infer<typeof attachmentInputSchema>[];
    now: Date;
  },
  policies: RequestsDeps['policies'],
): Submission {
  const { submissionKey, draft, now } = input;
  const priority: RequestPriority = isCrisis(draft) ? 'urgent' : 'normal';
  return {
    familyId: input.familyId,
    memberId: input.memberId,
    submissionKey,
    category: draft.category,
    details: draft.details as Record<string, unknown>,
    measureCode: input.measureCode ?? null,
    priority,
    ...deadlinesFor(draft.category, priority, now, policies),
    actor:
      input.createdByStaffId === undefined
        ? { kind: 'family', staffId: null, memberId: input.memberId }
        : { kind: 'staff', staffId: input.createdByStaffId, memberId: null },
    eventData: { submissionKey, priority, attachments: input.files.length },
    createdAt: now,
  };
}

/** Statuses a family may still cancel: nothing final has happened yet. */
export const cancellableStatuses: readonly RequestStatus[] = [
  'new',
  'assigned',
  'in_progress',
  'waiting_family',
];
export const REOPEN_WINDOW_DAYS = 7;

export function canReopen(request: { status: RequestStatus; resolvedAt: Date | null }, now: Date): boolean {
  return (
    request.status === 'resolved' &&
    request.resolvedAt !== null &&
    now.getTime() - request.resolvedAt.getTime() <= REOPEN_WINDOW_DAYS * 24 * 3_600_000
  );
}

export type FamilyActionResult<T = object> =
  | ({ ok: true } & T)
  | { ok: false; reason: 'not_found' | 'not_allowed' };

/** The family cancels its open request; the change and the event are one transaction. */
export async function cancelRequest(
  deps: RequestsDeps,
  input: { familyId: number; memberId: number; requestId: number },
): Promise<FamilyActionResult<{ number: number }>> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createRequestsRepository({ db: tx });
    const request = await repository.lockFamilyRequest(input.familyId, input.requestId);
    if (!request) return { ok: false, reason: 'not_found' } as const;
    if (!cancellableStatuses.includes(request.status)) return { ok: false, reason: 'not_allowed' } as const;
    await repository.updateRequest(request.id, { status: 'cancelled', closedAt: now });
    await repository.insertEvent({
      requestId: request.id,
      type: 'cancelled',
      actorKind: 'family',
      actorMemberId: input.memberId,
      data: { from: request.status },
      createdAt: now,
    });
    // A request nobody has been given yet needs no notice; otherwise whoever has it stops working on it.
    if (request.status !== 'new') {
      await writeOutbox(tx, { kind: 'request_cancelled', payload: { requestId: request.id } });
    }
    return { ok: true, number: request.number } as const;
  });
}

/**
 * «Проблема не решена»: a request resolved within the last 7 days goes back to `in_progress` with a fresh
 * resolve deadline, and a `reopened` event; the curator is told (outbox `request_reopened`).
 */
export async function reopenRequest(
  deps: RequestsDeps,
  input: { familyId: number; memberId: number; requestId: number },
): Promise<FamilyActionResult<{ number: number }>> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createRequestsRepository({ db: tx });
    const request = await repository.lockFamilyRequest(input.familyId, input.requestId);
    if (!request) return { ok: false, reason: 'not_found' } as const;
    if (!canReopen(request, now)) return { ok: false, reason: 'not_allowed' } as const;
    await repository.updateRequest(request.id, {
      status: 'in_progress',
      resolvedAt: null,
      closedAt: null,
      resolveDeadlineAt: deadlinesFor(request.category, request.priority, now, deps.policies)
        .resolveDeadlineAt,
    });
    await repository.insertEvent({
      requestId: request.id,
      type: 'reopened',
      actorKind: 'family',
      actorMemberId: input.memberId,
      data: { resolvedAt: request.resolvedAt?.toISOString() ?? null },
      createdAt: now,
    });
    await writeOutbox(tx, { kind: 'request_reopened', payload: { requestId: request.id } });
    return { ok: true, number: request.number } as const;
  });
}

export const ratingSchema = z.number().int().min(1).max(5);
export const ratingCommentSchema = z.string().trim().pipe(z.string().min(1).max(1000));

/** The family rates a resolved request 1–5; a later press changes the rating (each is an event). */
export async function rateRequest(
  deps: RequestsDeps,
  input: { familyId: number; memberId: number; requestId: number; rating: number },
): Promise<FamilyActionResult<{ number: number }>> {
  const rating = ratingSchema.parse(input.rating);
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createRequestsRepository({ db: tx });
    const request = await repository.lockFamilyRequest(input.familyId, input.requestId);
    if (!request) return { ok: false, reason: 'not_found' } as const;
    if (request.status !== 'resolved') return { ok: false, reason: 'not_allowed' } as const;
    await repository.updateRequest(request.id, { rating });
    await repository.insertEvent({
      requestId: request.id,
      type: 'rated',
      actorKind: 'family',
      actorMemberId: input.memberId,
      data: { rating },
      createdAt: now,
    });
    return { ok: true, number: request.number } as const;
  });
}

/** The optional words after a rating; kept on the request (free text never goes into events). */
export async function saveRatingComment(
  deps: RequestsDeps,
  input: { familyId: number; requestId: number; comment: string },
): Promise<FamilyActionResult> {
  const comment = ratingCommentSchema.parse(input.comment);
  return deps.db.transaction(async (tx) => {
    const repository = createRequestsRepository({ db: tx });
    const request = await repository.lockFamilyRequest(input.familyId, input.requestId);
    if (!request) return { ok: false, reason: 'not_found' } as const;
    if (request.rating === null) return { ok: false, reason: 'not_allowed' } as const;
    await repository.updateRequest(request.id, { ratingComment: comment });
    return { ok: true } as const;
  });
}

/** One page of «Мои заявки»: a page past the end shows the last one. */
export async function familyRequestsPage(
  db: Db,
  input: { familyId: number; page: number; pageSize: number },
) {
  const repository = createRequestsRepository({ db });
  const total = await repository.countFamilyRequests(input.familyId);
  const pages = Math.max(1, Math.ceil(total / input.pageSize));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const items = await repository.familyRequestsPage(input.familyId, page * input.pageSize, input.pageSize);
  return { items, page, pages };
}

/** The family's request, or undefined when the id is not one of theirs (a forged id finds nothing). */
export async function findFamilyRequest(db: Db, input: { familyId: number; requestId: number }) {
  return createRequestsRepository({ db }).familyRequest(input.familyId, input.requestId);
}

/**
 * What the family's card of a request shows: the request, its history, the curator's messages, the number of
 * files, the curator's name and what the family may do with it now. Undefined when it is not their request.
 */
export async function familyRequestCard(
  db: Db,
  input: { familyId: number; requestId: number },
  now = new Date(),
) {
  const repository = createRequestsRepository({ db });
  const request = await repository.familyRequest(input.familyId, input.requestId);
  if (!request) return undefined;
  const [events, messages, attachments] = await Promise.all([
    repository.events(request.id),
    repository.curatorMessages(request.id),
    repository.attachmentCount(request.id),
  ]);
  const curatorName = request.curatorId ? await repository.staffName(request.curatorId) : undefined;
  return {
    request,
    details: { events, messages, attachments, curatorName },
    may: {
      cancel: cancellableStatuses.includes(request.status),
      reopen: canReopen(request, now),
      rate: request.status === 'resolved' && request.rating === null,
    },
  };
}

/** The family's request, locked until the caller's transaction ends (a status change, a relayed message). */
export function lockFamilyRequest(tx: DbOrTx, familyId: number, requestId: number) {
  return createRequestsRepository({ db: tx }).lockFamilyRequest(familyId, requestId);
}
