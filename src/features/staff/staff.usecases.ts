import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, ne, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/enums.js';
import { families, requests, staff, staffDistricts } from '../../db/schema/index.js';
import { openStatusList } from '../../db/sql-lists.js';
import { createStaffRepository, staffReachableNow } from './staff.repository.js';

/** Deep-link payloads are at most 64 characters of A-Z a-z 0-9 _ -; ours is a prefix plus 32 random ones. */
export const STAFF_INVITE_PREFIX = 'staff_';
const PAYLOAD_PATTERN = /^staff_[A-Za-z0-9_-]{32}$/;

export function hashInviteSecret(payload: string): string {
  return createHash('sha256').update(payload).digest('hex');
}

export function isStaffInvitePayload(payload: string): boolean {
  return payload.startsWith(STAFF_INVITE_PREFIX);
}

export class StaffInviteInputError extends Error {}

export async function createStaffInvite(
  { db, now = new Date(), ttlHours }: { db: Db; now?: Date; ttlHours: number },
  input: {
    role: StaffRole;
    districtCodes: string[];
    regional?: boolean;
    fullName?: string;
    /** A psychologist's institution (`--institution`), shown to families with their name. */
    institution?: string;
  },
) {
  const repository = createStaffRepository({ db });
  const codes = [...new Set(input.districtCodes.map((code) => code.trim()).filter(Boolean))];
  const regional = input.regional ?? false;
  if (codes.length === 0 && !regional) {
    throw new StaffInviteInputError('give at least one district code (--district), or --regional');
  }
  if ((input.role === 'curator' || input.role === 'field') && regional) {
    throw new StaffInviteInputError(
      'a curator works in districts; use --district (on-call duty is set separately)',
    );
  }
  const found = await repository.districtsByCodes(codes);
  const unknown = codes.filter((code) => !found.some((district) => district.code === code));
  if (unknown.length > 0) {
    throw new StaffInviteInputError(`unknown district code(s): ${unknown.join(', ')} (see: districts list)`);
  }
  const payload = `${STAFF_INVITE_PREFIX}${randomBytes(24).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  const invite = await repository.insertInvite({
    tokenHash: hashInviteSecret(payload),
    role: input.role,
    districtIds: found.map((district) => district.id),
    regional,
    fullName: input.fullName?.trim() || null,
    institution: input.institution?.trim() || null,
    expiresAt,
  });
  return { invite, payload, expiresAt };
}

export type RedeemResult =
  | { ok: true; staff: typeof staff.$inferSelect }
  | { ok: false; reason: 'forged' | 'used' | 'expired' | 'already_staff' };

/** Binds the Telegram account that opened the invite link to the invited role, once. */
export async function redeemStaffInvite(
  { db, now = new Date() }: { db: Db; now?: Date },
  input: { payload: string; telegramId: number; telegramName: string },
): Promise<RedeemResult> {
  if (!PAYLOAD_PATTERN.test(input.payload)) return { ok: false, reason: 'forged' };
  const tokenHash = hashInviteSecret(input.payload);
  return db.transaction(async (tx) => {
    const repository = createStaffRepository({ db: tx });
    const existing = await repository.findStaffByTelegramId(input.telegramId);
    if (existing?.active) {
      return { ok: false, reason: 'already_staff' } as const;
    }
    const invite = await repository.claimInvite(tokenHash, now);
    if (!invite) {
      const known = await repository.findInviteByHash(tokenHash);
      if (!known) return { ok: false, reason: 'forged' } as const;
      return { ok: false, reason: known.usedAt ? 'used' : 'expired' } as const;
    }
    const member = await repository.upsertStaff({
      telegramId: input.telegramId,
      role: invite.role,
      fullName: invite.fullName ?? input.telegramName,
      regional: invite.regional,
      institution: invite.institution,
      inviteId: invite.id,
      districtIds: invite.districtIds,
    });
    return { ok: true, staff: member } as const;
  });
}

/** The active staff member behind this Telegram account, or undefined (none, or deactivated). */
export async function activeStaffByTelegramId(db: Db, telegramId: number) {
  const member = await createStaffRepository({ db }).findStaffByTelegramId(telegramId);
  return member?.active ? member : undefined;
}

/** Staff of this role in the district who can be reached now (active, not blocking the bot, not away). */
const reachableInDistrict = (districtId: number, role: StaffRole, now: Date, also?: SQL) =>
  and(eq(staffDistricts.districtId, districtId), eq(staff.role, role), staffReachableNow(now), also);

/** The active, present curator of the district with the fewest open requests, ties by fewest families. */
export async function leastLoadedCurator(
  db: DbOrTx,
  districtId: number,
  options: { excludeStaffId?: number; now?: Date } = {},
): Promise<number | undefined> {
  const now = options.now ?? new Date();
  const openRequests = sql<number>`(select count(*) from ${requests} r where r.curator_id = ${staff.id}
    and r.status in ${openStatusList})`;
  const familyCount = sql<number>`(select count(*) from ${families} f where f.curator_id = ${staff.id})`;
  const [row] = await db
    .select({ id: staff.id })
    .from(staff)
    .innerJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
    .where(
      reachableInDistrict(
        districtId,
        'curator',
        now,
        options.excludeStaffId === undefined ? undefined : ne(staff.id, options.excludeStaffId),
      ),
    )
    .orderBy(asc(openRequests), asc(familyCount), asc(staff.id))
    .limit(1);
  return row?.id;
}

/**
 * The supervisors who can be told about a district now (active, not blocking the bot, not away): the
 * district's own; when it has none, the regional ones; `level` says which. Routing sends its notices to them
 * (supervisorsFor), and registration promises a family a supervisor's notice only when there is one.
 */
export async function supervisorsToTell(
  db: DbOrTx,
  districtId: number,
  now: Date,
  options: { excludeStaffIds?: number[] } = {},
): Promise<{ ids: number[]; level: 'district' | 'regional' }> {
  const exclude = options.excludeStaffIds ?? [];
  const notExcluded =
    exclude.length > 0 ? sql`${staff.id} not in (${sql.join(exclude, sql`, `)})` : undefined;
  const district = await db
    .select({ id: staff.id })
    .from(staff)
    .innerJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
    .where(reachableInDistrict(districtId, 'supervisor', now, notExcluded))
    .orderBy(asc(staff.id));
  if (district.length > 0) return { ids: district.map((row) => row.id), level: 'district' as const };
  const regional = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.role, 'supervisor'), eq(staff.regional, true), staffReachableNow(now), notExcluded))
    .orderBy(asc(staff.id));
  return { ids: regional.map((row) => row.id), level: 'regional' as const };
}
