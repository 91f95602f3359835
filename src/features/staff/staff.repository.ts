import { and, eq, inArray, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/enums.js';
import { districts, staff, staffDistricts, staffInvites } from '../../db/schema/index.js';

/** Staff who can be given work now: active, not blocking the bot, not away. The one test of it. */
export const staffReachableNow = (now: Date) =>
  and(
    eq(staff.active, true),
    eq(staff.botBlocked, false),
    sql`(${staff.awayUntil} is null or ${staff.awayUntil} <= ${now.toISOString()})`,
  );

export function createStaffRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    districtsByCodes,
    insertInvite,
    claimInvite,
    findInviteByHash,
    findStaffByTelegramId,
    upsertStaff,
    listStaff,
    deactivateStaff,
    setOnCall,
  });
}

async function districtsByCodes(db: DbOrTx, codes: string[]) {
  if (codes.length === 0) return [];
  return db.select().from(districts).where(inArray(districts.code, codes));
}

async function insertInvite(db: DbOrTx, invite: typeof staffInvites.$inferInsert) {
  const [row] = await db.insert(staffInvites).values(invite).returning();
  return row!;
}

/**
 * Marks the invite used if, and only if, it is still unused and unexpired. The single UPDATE is what
 * makes an invite single-use even when two people open the link at the same moment.
 */
async function claimInvite(db: DbOrTx, tokenHash: string, now: Date) {
  const [row] = await db
    .update(staffInvites)
    .set({ usedAt: now })
    .where(
      and(
        eq(staffInvites.tokenHash, tokenHash),
        sql`${staffInvites.usedAt} is null`,
        sql`${staffInvites.expiresAt} > ${now.toISOString()}`,
      ),
    )
    .returning();
  return row;
}

async function findInviteByHash(db: DbOrTx, tokenHash: string) {
  const [row] = await db.select().from(staffInvites).where(eq(staffInvites.tokenHash, tokenHash));
  return row;
}

async function findStaffByTelegramId(db: DbOrTx, telegramId: number) {
  const [row] = await db.select().from(staff).where(eq(staff.telegramId, telegramId));
  return row;
}

/** Creates the staff member, or re-activates a deactivated one with the new role and districts. */
async function upsertStaff(
  db: DbOrTx,
  values: {
    telegramId: number;
    role: StaffRole;
    fullName: string;
    regional: boolean;
    institution?: string | null;
    inviteId: number;
    districtIds: number[];
  },
) {
  const [member] = await db
    .insert(staff)
    .values({
      telegramId: values.telegramId,
      role: values.role,
      fullName: values.fullName,
      regional: values.regional,
      institution: values.institution ?? null,
      inviteId: values.inviteId,
    })
    .onConflictDoUpdate({
      target: staff.telegramId,
      set: {
        role: values.role,
        fullName: values.fullName,
        regional: values.regional,
        institution: values.institution ?? null,
        inviteId: values.inviteId,
        active: true,
        deactivatedAt: null,
        botBlocked: false,
      },
    })
    .returning();
  await db.delete(staffDistricts).where(eq(staffDistricts.staffId, member!.id));
  if (values.districtIds.length > 0) {
    await db
      .insert(staffDistricts)
      .values(values.districtIds.map((districtId) => ({ staffId: member!.id, districtId })));
  }
  await db
    .update(staffInvites)
    .set({ usedByStaffId: member!.id })
    .where(eq(staffInvites.id, values.inviteId));
  return member!;
}

async function listStaff(db: DbOrTx, options: { includeInactive?: boolean } = {}) {
  const rows = await db
    .select({
      id: staff.id,
      role: staff.role,
      fullName: staff.fullName,
      telegramId: staff.telegramId,
      active: staff.active,
      regional: staff.regional,
      onCall: staff.onCall,
      districts: sql<
        string[]
      >`coalesce(array_agg(${districts.code} order by ${districts.code}) filter (where ${districts.code} is not null), '{}')`,
    })
    .from(staff)
    .leftJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
    .leftJoin(districts, eq(districts.id, staffDistricts.districtId))
    .where(options.includeInactive ? undefined : eq(staff.active, true))
    .groupBy(staff.id)
    .orderBy(staff.id);
  return rows;
}

async function deactivateStaff(db: DbOrTx, staffId: number, now: Date) {
  const [row] = await db
    .update(staff)
    .set({ active: false, deactivatedAt: now, onCall: false })
    .where(and(eq(staff.id, staffId), eq(staff.active, true)))
    .returning();
  return row;
}

async function setOnCall(db: DbOrTx, staffId: number, onCall: boolean) {
  const [row] = await db.update(staff).set({ onCall }).where(eq(staff.id, staffId)).returning();
  return row;
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;
