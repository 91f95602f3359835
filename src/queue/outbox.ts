import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema/index.js';

const statusNoticePayload = z.object({
  requestId: z.number().int().positive(),
  staffId: z.number().int().positive(),
  messageId: z.number().int().positive(),
});

/**
 * What the rest of the system must do because of a committed change. Written in the same transaction as
 * the change (transactional outbox), then moved into BullMQ by the relay. Ids only, never personal data.
 */
export const outboxEventSchema = z.discriminatedUnion('kind', [
  /** A family confirmed a request (or a curator created one for them): route it to a curator. */
  z.object({
    kind: z.literal('request_created'),
    payload: z.object({ requestId: z.number().int().positive() }),
  }),
  /**
   * «Удалить мои данные»: take the person's (or, `familyErased`, the whole family's) data back from staff
   * chats, and tell the curator and the district supervisors which requests were cancelled.
   */
  z.object({
    kind: z.literal('consent_withdrawn'),
    payload: z.object({
      familyId: z.number().int().positive(),
      memberId: z.number().int().positive(),
      familyErased: z.boolean(),
      cancelledRequestIds: z.array(z.number().int().positive()),
    }),
  }),
  /** A family registered in a district with no active curator: tell the district supervisors. */
  z.object({
    kind: z.literal('family_without_curator'),
    payload: z.object({ familyId: z.number().int().positive() }),
  }),
  /**
   * A family was given to a curator without a supervisor's decision: it registered or moved into the
   * curator's district (`handed_over`, its curator left the service, is what deactivation wrote before it
   * wrote `family_reassigned`; kept for rows still queued). Tell the curator who the family is.
   */
  z.object({
    kind: z.literal('family_assigned'),
    payload: z.object({
      familyId: z.number().int().positive(),
      staffId: z.number().int().positive(),
      reason: z.enum(['registered', 'district_changed', 'handed_over']),
    }),
  }),
  /** A curator took a request: tell the family who. */
  z.object({
    kind: z.literal('request_taken'),
    payload: z.object({ requestId: z.number().int().positive(), staffId: z.number().int().positive() }),
  }),
  /** A curator resolved a request (the comment is a messages row): tell the family, ask for a rating. */
  z.object({ kind: z.literal('request_resolved'), payload: statusNoticePayload }),
  /** A curator rejected a request (the reason the family sees is a messages row). */
  z.object({ kind: z.literal('request_rejected'), payload: statusNoticePayload }),
  /** The family cancelled a request a curator had already been given: tell whoever has it. */
  z.object({
    kind: z.literal('request_cancelled'),
    payload: z.object({ requestId: z.number().int().positive() }),
  }),
  /** The family reopened a resolved request («проблема не решена»): tell its curator. */
  z.object({
    kind: z.literal('request_reopened'),
    payload: z.object({ requestId: z.number().int().positive() }),
  }),
  /**
   * A message between a family and a curator (a messages row): copy it to the other side. `replyToId`:
   * the messages row it answers, so the copy threads under it; `question`: the curator asked the family.
   */
  z.object({
    kind: z.literal('message_relayed'),
    payload: z.object({
      messageId: z.number().int().positive(),
      replyToId: z.number().int().positive().optional(),
      question: z.boolean().optional(),
    }),
  }),
  /** A relayed message was edited by its sender: pass the edit on to the copies already sent. */
  z.object({
    kind: z.literal('message_edited'),
    payload: z.object({ messageId: z.number().int().positive() }),
  }),
  /**
   * A request's card was shown in a staff chat in answer to a command or a button (/my, «Открыть»): send
   * the family's files after it, as replies to it (features/request-card).
   */
  z.object({
    kind: z.literal('card_files'),
    payload: z.object({
      requestId: z.number().int().positive(),
      staffId: z.number().int().positive(),
      cardMessageId: z.number().int().positive(),
    }),
  }),
  /** An announcement's recipients were written: put them in their delivery lanes (features/announcements). */
  z.object({
    kind: z.literal('announcement_created'),
    payload: z.object({ announcementId: z.number().int().positive() }),
  }),
  /**
   * A supervisor gave a request to another curator: tell the new and the old curator and the family.
   * `byStaffId` null: nobody decided — its curator left the service (deactivated), so they are not told.
   */
  z.object({
    kind: z.literal('request_reassigned'),
    payload: z.object({
      requestId: z.number().int().positive(),
      fromStaffId: z.number().int().positive().nullable(),
      toStaffId: z.number().int().positive(),
      byStaffId: z.number().int().positive().nullable(),
    }),
  }),
  /**
   * A supervisor gave a whole family (and its open requests) to another curator: tell all three sides.
   * `byStaffId` null: its curator left the service (deactivated): the new curator and the family are told.
   */
  z.object({
    kind: z.literal('family_reassigned'),
    payload: z.object({
      familyId: z.number().int().positive(),
      fromStaffId: z.number().int().positive().nullable(),
      toStaffId: z.number().int().positive(),
      byStaffId: z.number().int().positive().nullable(),
      requestIds: z.array(z.number().int().positive()),
    }),
  }),
  /**
   * A staff member was deactivated: what was still on its way to them was withdrawn, the family messages
   * among it were re-addressed (`readdressedIds`: the new copies, and the take-backs of parts already shown),
   * and the messages in their chat showing a family or offering buttons on an open request taken back
   * (`takenBackIds`): put those in their lanes.
   */
  z.object({
    kind: z.literal('staff_deactivated'),
    payload: z.object({
      staffId: z.number().int().positive(),
      readdressedIds: z.array(z.number().int().positive()),
      takenBackIds: z.array(z.number().int().positive()).optional(),
    }),
  }),
  /** A family answered «Позвоните мне» to «Как у вас дела?»: give its curator a call task. */
  z.object({
    kind: z.literal('check_in_call'),
    payload: z.object({ checkInId: z.number().int().positive() }),
  }),
  /**
   * A consultation with a psychologist was booked or cancelled (features/psychologists): tell the other
   * side, set or clear its reminders; a family whose psychologist cancelled is offered new slots at once.
   */
  /** A psychologist changed their hours, slot length or days off: offer the waiting list what is free now. */
  z.object({
    kind: z.literal('psychologist_schedule_changed'),
    payload: z.object({ staffId: z.number().int().positive() }),
  }),
  z.object({
    kind: z.literal('consultation_changed'),
    payload: z.object({
      consultationId: z.number().int().positive(),
      change: z.enum(['booked', 'cancelled_by_family', 'cancelled_by_psychologist', 'held', 'no_show']),
    }),
  }),
]);

export type OutboxEvent = z.infer<typeof outboxEventSchema>;
export type OutboxKind = OutboxEvent['kind'];

export const OUTBOX_CHANNEL = 'outbox';

/** The NOTIFY that wakes the relay for an outbox row (`id`: its id in the statement); sent when the writer commits. */
export const notifyOutbox = (id: SQL) => sql`pg_notify(${OUTBOX_CHANNEL}, ${id}::text)`;

/**
 * writeOutbox inside a larger statement: the body of a CTE that inserts one `kind` row for each row of
 * `source` (another CTE of the statement), its payload built there (ids only), returning `id`. The
 * statement must select notifyOutbox of each id, or the relay is not woken.
 */
export function outboxRowsFrom(kind: OutboxKind, payload: SQL, source: SQL): SQL {
  return sql`insert into ${outbox} (kind, payload) select ${kind}, ${payload} from ${source} returning id`;
}

/** Records an outbox event inside the caller's transaction, in one statement; NOTIFY fires only when it commits. */
export async function writeOutbox(tx: DbOrTx, event: OutboxEvent): Promise<number> {
  const parsed = outboxEventSchema.parse(event);
  const [row] = await tx.execute<{ id: string }>(sql`
    with written as (
      insert into ${outbox} (kind, payload) values (${parsed.kind}, ${JSON.stringify(parsed.payload)}::jsonb)
      returning id)
    select id, ${notifyOutbox(sql`id`)} from written`);
  return Number(row!.id);
}
