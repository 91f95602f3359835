import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { families, requests, staff, staffDistricts } from '../../db/schema/index.js';
import type { Translate } from '../../i18n.js';
import {
  type AccessReason,
  decideFamilyAccess,
  decideRequestAction,
  type RequestAction,
} from './access.policy.js';

export type { AccessReason, RequestAction } from './access.policy.js';

/** A refusal with what its notice names: the request's number, who has it now, how it closed. */
export interface AccessRefusal {
  reason: AccessReason;
  number?: number;
  curatorName?: string;
  status?: string;
}

/** The staff member behind a Telegram account, with the districts they cover (any state: the policy decides). */
export async function staffByTelegramId(db: DbOrTx, telegramId: number) {
  const [row] = await db.select().from(staff).where(eq(staff.telegramId, telegramId));
  if (!row) return undefined;
  const districts = await db
    .select({ districtId: staffDistricts.districtId })
    .from(staffDistricts)
    .where(eq(staffDistricts.staffId, row.id));
  return { ...row, districtIds: districts.map((d) => d.districtId) };
}

export type StaffMember = NonNullable<Awaited<ReturnType<typeof staffByTelegramId>>>;

async function requestWithFamily(db: DbOrTx, requestId: number, lock: boolean) {
  const query = db
    .select({ request: requests, districtId: families.districtId, familyErasedAt: families.erasedAt })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(eq(requests.id, requestId));
  const [row] = lock ? await query.for('update', { of: requests }) : await query;
  return row;
}

/** The deputy of a curator who is away now (SPEC §4: requests route to the deputy meanwhile). */
async function deputyWhileAway(db: DbOrTx, curatorId: number, now = new Date()) {
  const [curator] = await db
    .select({ awayUntil: staff.awayUntil, deputyId: staff.deputyId })
    .from(staff)
    .where(eq(staff.id, curatorId));
  return curator?.awayUntil && curator.awayUntil > now ? curator.deputyId : null;
}

export type AuthorisedRequest =
  | {
      ok: true;
      presser: StaffMember;
      request: typeof requests.$inferSelect;
      districtId: number;
      /** «Взять в работу» on a request already the presser's, in work: nothing to do but say so. */
      alreadyYours: boolean;
    }
  | { ok: false; refusal: AccessRefusal };

/**
 * Every staff press on a request comes here: the presser and the request as they are in PostgreSQL now
 * (the request row locked when `lock`, for a change made in the caller's transaction), judged by
 * decideRequestAction. A refusal carries what its notice needs; nothing has been changed.
 */
export async function authoriseRequestAction(
  db: DbOrTx,
  input: { telegramId: number; requestId: number; action: RequestAction; lock?: boolean },
): Promise<AuthorisedRequest> {
  const presser = await staffByTelegramId(db, input.telegramId);
  // Who is not allowed at all learns nothing about the request.
  const early = decideRequestAction(presser, undefined, input.action);
  if (!early.ok && early.reason !== 'not_found') return { ok: false, refusal: { reason: early.reason } };
  const found = await requestWithFamily(db, input.requestId, input.lock ?? false);
  const deputyId =
    found?.request.curatorId != null && found.request.curatorId !== presser?.id
      ? await deputyWhileAway(db, found.request.curatorId)
      : null;
  const decision = decideRequestAction(
    presser,
    found && {
      status: found.request.status,
      curatorId: found.request.curatorId,
      deputyId,
      districtId: found.districtId,
      familyErased: found.familyErasedAt !== null,
    },
    input.action,
  );
  if (!presser || !found)
    return { ok: false, refusal: { reason: decision.ok ? 'not_found' : decision.reason } };
  if (!decision.ok) {
    const { request } = found;
    const refusal: AccessRefusal = {
      reason: decision.reason,
      number: request.number,
      status: request.status,
    };
    if (
      (decision.reason === 'not_yours' || decision.reason === 'taken_by_other') &&
      request.curatorId !== null
    ) {
      const [curator] = await db
        .select({ fullName: staff.fullName })
        .from(staff)
        .where(eq(staff.id, request.curatorId));
      if (curator) refusal.curatorName = curator.fullName;
    }
    // Out of scope, the presser learns no more than that.
    return {
      ok: false,
      refusal: decision.reason === 'out_of_scope' ? { reason: decision.reason } : refusal,
    };
  }
  return {
    ok: true,
    presser,
    request: found.request,
    districtId: found.districtId,
    alreadyYours: decision.alreadyYours,
  };
}

/** The family of a staff action that is not about one request (a general question, /family). */
export async function authoriseFamilyAccess(db: DbOrTx, input: { telegramId: number; familyId: number }) {
  const presser = await staffByTelegramId(db, input.telegramId);
  const [family] = await db
    .select({
      id: families.id,
      curatorId: families.curatorId,
      districtId: families.districtId,
      erasedAt: families.erasedAt,
    })
    .from(families)
    .where(eq(families.id, input.familyId));
  const decision = decideFamilyAccess(
    presser,
    family && {
      curatorId: family.curatorId,
      districtId: family.districtId,
      erased: family.erasedAt !== null,
    },
  );
  if (!decision.ok || !presser || !family) {
    return { ok: false, refusal: { reason: decision.ok ? 'not_found' : decision.reason } } as const;
  }
  return { ok: true, presser, family } as const;
}

/** The notice a refused press gets (answerCallbackQuery: at most 200 characters) or a refused message. */
export function accessRefusalText(t: Translate, refusal: AccessRefusal): string {
  const key = `access-${refusal.reason.replaceAll('_', '-')}`;
  return t(key, {
    number: refusal.number === undefined ? '—' : String(refusal.number),
    numbered: refusal.number === undefined ? 'no' : 'yes',
    curator: refusal.curatorName ?? '—',
    status: refusal.status ?? 'none',
  });
}
