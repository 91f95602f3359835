import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { families, familyMembers, servicemen, staff, staffDistricts } from '../../src/db/schema/index.js';
import type { Emulator } from '../../src/sandbox/emulator.js';
import { districtByCode } from '../helpers/routing-factories.js';

const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export interface SeededFamily {
  /** The family member's Telegram id (an emulator user). */
  userId: number;
  familyId: number;
  /** The chat of the family's curator. */
  curatorChat: number;
}

/**
 * `count` registered families (consent, phone, passport, serviceman) of one district, written in bulk.
 * With `curatorEach` every family has a curator of its own (so cards never wait on Telegram's 1/s per
 * chat); otherwise the families are dealt in turn to `curators` curators (one by default).
 */
export async function seedFamilies(
  db: Db,
  emulator: Emulator,
  count: number,
  options: { curatorEach: boolean; districtCode?: string; curators?: number },
): Promise<SeededFamily[]> {
  const district = await districtByCode(db, options.districtCode ?? 'lipetsk-city');
  const curatorCount = options.curatorEach ? count : Math.max(1, options.curators ?? 1);
  const curatorOf = (index: number) => (options.curatorEach ? index : index % curatorCount);
  const curatorUsers = Array.from({ length: curatorCount }, (_, i) =>
    emulator.createUser({ first_name: `Куратор ${i + 1}`, language_code: 'ru' }),
  );
  const curatorIds: number[] = [];
  for (const part of chunks(curatorUsers)) {
    const rows = await db
      .insert(staff)
      .values(
        part.map((user) => ({ role: 'curator' as const, telegramId: user.id, fullName: user.first_name })),
      )
      .returning({ id: staff.id });
    curatorIds.push(...rows.map((row) => row.id));
    await db.insert(staffDistricts).values(rows.map((row) => ({ staffId: row.id, districtId: district.id })));
  }

  const familyUsers = Array.from({ length: count }, (_, i) =>
    emulator.createUser({ first_name: `Семья ${i + 1}`, language_code: 'ru' }),
  );
  const seeded: SeededFamily[] = [];
  for (const [partIndex, part] of chunks(familyUsers).entries()) {
    const base = partIndex * CHUNK;
    const rows = await db
      .insert(families)
      .values(
        part.map((_, i) => ({
          districtId: district.id,
          locality: 'Липецк',
          address: `г. Липецк, ул. Советская, д. ${((base + i) % 200) + 1}`,
          curatorId: curatorIds[curatorOf(base + i)]!,
        })),
      )
      .returning({ id: families.id });
    await db.insert(familyMembers).values(
      part.map((user, i) => ({
        familyId: rows[i]!.id,
        telegramId: user.id,
        fullName: `Мария Иванова ${base + i + 1}`,
        relationship: 'wife' as const,
        phone: `+7900${String(base + i + 1).padStart(7, '0')}`,
        language: 'ru' as const,
        consentVersion: '1',
        consentAt: new Date(),
      })),
    );
    await db
      .insert(servicemen)
      .values(rows.map((row, i) => ({ familyId: row.id, fullName: `Иван Иванов ${base + i + 1}` })));
    part.forEach((user, i) => {
      seeded.push({
        userId: user.id,
        familyId: rows[i]!.id,
        curatorChat: curatorUsers[curatorOf(base + i)]!.id,
      });
    });
  }
  return seeded;
}

/**
 * `count` open requests (`assigned` to the family's curator, category nanny) spread over the seeded
 * families, written by one INSERT … SELECT; `deadlines(i)` gives request i's take and resolve deadlines as
 * seconds from `now`. Returns the id range.
 */
export async function seedOpenRequests(
  db: Db,
  options: {
    count: number;
    now: Date;
    /** Seconds from `now` to the take deadline of request i (0-based); resolve is 3 days after it. */
    takeDeadlineInSeconds: { first: number; step: number };
  },
): Promise<{ firstId: number; lastId: number }> {
  const { first, step } = options.takeDeadlineInSeconds;
  const rows = await db.execute<{ first_id: number; last_id: number }>(sql`
    with fam as (
      select f.id, f.curator_id, row_number() over (order by f.id) - 1 as n, count(*) over () as total
      from families f),
    inserted as (
      insert into requests (family_id, category, details, priority, status, curator_id, created_at,
                            assigned_at, take_deadline_at, resolve_deadline_at)
      select fam.id, 'nanny', '{}'::jsonb, 'normal', 'assigned', fam.curator_id, ${options.now.toISOString()}::timestamptz,
             ${options.now.toISOString()}::timestamptz,
             ${options.now.toISOString()}::timestamptz + make_interval(secs => ${first}::float8 + ${step}::float8 * g.i),
             ${options.now.toISOString()}::timestamptz + make_interval(secs => ${first}::float8 + ${step}::float8 * g.i) + interval '3 days'
      from generate_series(0, ${options.count - 1}::int) as g(i)
      join fam on fam.n = g.i % fam.total
      order by g.i
      returning id)
    select min(id)::int as first_id, max(id)::int as last_id from inserted`);
  const row = rows[0]!;
  return { firstId: Number(row.first_id), lastId: Number(row.last_id) };
}

/** A pending request card to the curator for each of the first `count` requests (what routing writes). */
export async function seedPendingCards(db: Db, count: number): Promise<number> {
  const rows = await db.execute(sql`
    insert into notifications (dedupe_key, kind, request_id, recipient_staff_id, chat_id, status)
    select 'request:' || r.id || ':card:staff:' || r.curator_id, 'request_card', r.id, r.curator_id,
           s.telegram_id, 'pending'
    from requests r join staff s on s.id = r.curator_id
    order by r.id limit ${count}
    returning id`);
  return rows.length;
}
