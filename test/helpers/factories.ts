import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import {
  districts,
  families,
  familyMembers,
  householdMembers,
  servicemen,
  staff,
  staffDistricts,
} from '../../src/db/schema/index.js';

/**
 * Test factories: rows inserted with drizzle the way the product would have created them. Each function
 * says what it makes; add new ones rather than changing others' (several engineers share this file).
 */

let serial = 0;
const nextSerial = () => {
  serial += 1;
  return serial;
};

/** An active curator of the district (the first seeded district when none is given). */
export async function createCuratorInDistrict(
  db: Db,
  options: { districtId?: number; fullName?: string; telegramId?: number } = {},
) {
  const districtId = options.districtId ?? (await firstDistrictId(db));
  const [curator] = await db
    .insert(staff)
    .values({
      role: 'curator',
      telegramId: options.telegramId ?? 8_000_000_000 + process.pid * 100 + nextSerial(),
      fullName: options.fullName ?? 'Анна Петрова',
    })
    .returning();
  await db.insert(staffDistricts).values({ staffId: curator!.id, districtId });
  return curator!;
}

export async function firstDistrictId(db: Db): Promise<number> {
  const [district] = await db.select({ id: districts.id }).from(districts).orderBy(districts.id).limit(1);
  if (!district) throw new Error('no districts seeded');
  return district.id;
}

export interface RegisteredFamilyOptions {
  /** The family member's Telegram id (the emulator user's id). */
  telegramId: number;
  curatorId?: number | null;
  districtId?: number;
  address?: string;
  memberName?: string;
  children?: { fullName: string; birthDate?: string; institution?: 'kindergarten' | 'school' | 'none' }[];
  elderly?: { fullName: string; careNeeds?: string; birthDate?: string }[];
  language?: 'ru' | 'en';
}

/**
 * A family that finished onboarding: consent given, phone shared, passport saved with its household and
 * serviceman, a curator assigned. Returns the ids a test needs.
 */
export async function createRegisteredFamily(db: Db, options: RegisteredFamilyOptions) {
  const districtId = options.districtId ?? (await firstDistrictId(db));
  const [family] = await db
    .insert(families)
    .values({
      districtId,
      locality: 'Липецк',
      address: options.address ?? 'г. Липецк, ул. Советская, д. 10, кв. 5',
      curatorId: options.curatorId ?? null,
    })
    .returning();
  const [member] = await db
    .insert(familyMembers)
    .values({
      familyId: family!.id,
      telegramId: options.telegramId,
      fullName: options.memberName ?? 'Мария Иванова',
      relationship: 'wife',
      phone: `+7900${String(options.telegramId).slice(-7).padStart(7, '0')}`,
      language: options.language ?? 'ru',
      consentVersion: '1',
      consentAt: new Date(),
    })
    .returning();
  await db.insert(servicemen).values({ familyId: family!.id, fullName: 'Иван Иванов' });
  const children = [];
  for (const child of options.children ?? []) {
    const [row] = await db
      .insert(householdMembers)
      .values({
        familyId: family!.id,
        kind: 'child',
        fullName: child.fullName,
        birthDate: child.birthDate ?? '2018-05-01',
        institution: child.institution ?? 'school',
      })
      .returning();
    children.push(row!);
  }
  const elderly = [];
  for (const relative of options.elderly ?? []) {
    const [row] = await db
      .insert(householdMembers)
      .values({
        familyId: family!.id,
        kind: 'elderly',
        fullName: relative.fullName,
        birthDate: relative.birthDate ?? null,
        careNeeds: relative.careNeeds ?? null,
      })
      .returning();
    elderly.push(row!);
  }
  return { family: family!, member: member!, children, elderly };
}

export async function familyMemberByTelegramId(db: Db, telegramId: number) {
  const [row] = await db.select().from(familyMembers).where(eq(familyMembers.telegramId, telegramId));
  return row;
}
