/**
 * Demo data of the sandbox: the emulated people, the staff bound to them, and one family with a resolved
 * request. Staff join the way real staff do (an invite link opened in the bot), so their chats in the page
 * start with the bot's own welcome and the bot treats them as staff from then on.
 */
import { eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import type { StaffRole } from '../db/schema/enums.js';
import {
  consentEvents,
  districts,
  families,
  familyMembers,
  householdMembers,
  requestEvents,
  requests,
  servicemen,
  staff,
} from '../db/schema/index.js';
import { deadlinesFor } from '../features/deadlines/policies.js';
import type { detailsSchemas } from '../features/requests/requests.schemas.js';
import { createStaffInvite, redeemStaffInvite } from '../features/staff/staff.usecases.js';
import type { Emulator } from './emulator.js';

type NannyDetails = z.input<ReturnType<typeof detailsSchemas>['nanny']>;

export type SandboxRole = 'new-family' | 'family' | StaffRole;

export interface SandboxPerson {
  /** Stable across resets, so an open page keeps pointing at the right chat. */
  telegramId: number;
  firstName: string;
  lastName: string;
  phone: string;
  role: SandboxRole;
  /** The pane's title in the page. */
  title: string;
  /** One line under the title: who this is and what to try. */
  subtitle: string;
  /** Shown side by side at first; the others are one click away. */
  shownByDefault: boolean;
  /** Staff only: districts (codes) of the invite; none means regional. */
  districtCodes?: string[];
}

/** Two districts of the region the demo staff work in (seeded by the districts migration). */
export const SANDBOX_DISTRICT_CODES = ['lipetsk-city', 'gryazi'] as const;

export const sandboxPeople: readonly SandboxPerson[] = [
  {
    telegramId: 100_000_001,
    firstName: 'Мария',
    lastName: 'Соколова',
    phone: '+79001000001',
    role: 'new-family',
    title: 'Семья',
    subtitle: 'Мария Соколова — жена мобилизованного, ещё не знакома с ботом. Начните с /start',
    shownByDefault: true,
  },
  {
    telegramId: 100_000_002,
    firstName: 'Анна',
    lastName: 'Петрова',
    phone: '+79001000002',
    role: 'curator',
    title: 'Куратор',
    subtitle: 'Анна Петрова — социальный куратор (Липецк, Грязинский район)',
    shownByDefault: true,
    districtCodes: ['lipetsk-city', 'gryazi'],
  },
  {
    telegramId: 100_000_003,
    firstName: 'Олег',
    lastName: 'Смирнов',
    phone: '+79001000003',
    role: 'curator',
    title: 'Куратор',
    subtitle: 'Олег Смирнов — социальный куратор (Липецк)',
    shownByDefault: true,
    districtCodes: ['lipetsk-city'],
  },
  {
    telegramId: 100_000_004,
    firstName: 'Елена',
    lastName: 'Васильева',
    phone: '+79001000004',
    role: 'supervisor',
    title: 'Руководитель',
    subtitle:
      'Елена Васильева — руководитель кураторов (Липецк, Грязинский район): ей приходят оповещения, когда заявку не взяли в срок',
    shownByDefault: true,
    districtCodes: ['lipetsk-city', 'gryazi'],
  },
  {
    telegramId: 100_000_007,
    firstName: 'Наталья',
    lastName: 'Орлова',
    phone: '+79001000007',
    role: 'supervisor',
    title: 'Руководитель области',
    subtitle:
      'Наталья Орлова — руководитель службы по всей области: ей приходят оповещения, когда срок прошёл вдвое',
    shownByDefault: false,
  },
  {
    telegramId: 100_000_005,
    firstName: 'Игорь',
    lastName: 'Кузнецов',
    phone: '+79001000005',
    role: 'observer',
    title: 'Наблюдатель',
    subtitle: 'Игорь Кузнецов — наблюдатель по всей области, видит только сводные цифры',
    shownByDefault: false,
  },
  {
    telegramId: 100_000_006,
    firstName: 'Ольга',
    lastName: 'Иванова',
    phone: '+79001000006',
    role: 'family',
    title: 'Семья Ивановых',
    subtitle: 'Ольга Иванова — уже зарегистрирована, её заявка на няню решена',
    shownByDefault: false,
  },
];

const STAFF_ROLES: ReadonlySet<SandboxRole> = new Set<SandboxRole>(['curator', 'supervisor', 'observer']);

export function isStaffPerson(person: SandboxPerson): person is SandboxPerson & { role: StaffRole } {
  return STAFF_ROLES.has(person.role);
}

export interface SandboxSeedDeps {
  db: Db;
  emulator: Emulator;
  /** How long to wait for the bot to welcome a staff member before binding them directly. */
  botTimeoutMs?: number;
  onWarning?: (message: string) => void;
}

/** Creates the emulated people, binds the staff and writes the demo family. Expects empty app tables. */
export async function seedSandbox(deps: SandboxSeedDeps, people: readonly SandboxPerson[] = sandboxPeople) {
  for (const person of people) {
    deps.emulator.createUser({
      id: person.telegramId,
      first_name: person.firstName,
      last_name: person.lastName,
      language_code: 'ru',
      phone_number: person.phone,
    });
  }
  const staffPeople = people.filter(isStaffPerson);
  const invites = [];
  for (const person of staffPeople) {
    const { payload } = await createStaffInvite(
      { db: deps.db, ttlHours: 1 },
      {
        role: person.role,
        districtCodes: person.districtCodes ?? [],
        regional: (person.districtCodes ?? []).length === 0,
        fullName: `${person.firstName} ${person.lastName}`,
      },
    );
    // The person opens the invite link, as staff do: the bot binds them and says hello in their chat.
    deps.emulator.sendText(person.telegramId, `/start ${payload}`);
    invites.push({ person, payload });
  }
  const staffIds = new Map<number, number>();
  for (const { person, payload } of invites) {
    let id = await waitForStaffRow(deps.db, person.telegramId, deps.botTimeoutMs ?? 15_000);
    if (id === undefined) {
      // The bot did not get to it in time (it may still be starting); bind directly so the data is whole.
      deps.onWarning?.(`the bot did not redeem the invite of ${person.firstName}; bound directly`);
      const result = await redeemStaffInvite(
        { db: deps.db },
        { payload, telegramId: person.telegramId, telegramName: person.firstName },
      );
      id = result.ok ? result.staff.id : await waitForStaffRow(deps.db, person.telegramId, 1000);
    }
    if (id !== undefined) staffIds.set(person.telegramId, id);
  }
  const resolvedFamily = people.find((person) => person.role === 'family');
  const curator = people.find((person) => person.role === 'curator');
  const curatorId = curator ? staffIds.get(curator.telegramId) : undefined;
  if (resolvedFamily && curatorId !== undefined) {
    await seedFamilyWithResolvedRequest(deps.db, resolvedFamily, curatorId);
  }
  return { staffIds };
}

async function waitForStaffRow(db: Db, telegramId: number, timeoutMs: number): Promise<number | undefined> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.select({ id: staff.id }).from(staff).where(eq(staff.telegramId, telegramId));
    if (row) return row.id;
    if (Date.now() >= giveUpAt) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A registered family whose nanny request was taken and resolved by the curator three days ago. */
async function seedFamilyWithResolvedRequest(db: Db, person: SandboxPerson, curatorId: number) {
  const [district] = await db
    .select({ id: districts.id })
    .from(districts)
    .where(eq(districts.code, SANDBOX_DISTRICT_CODES[0]));
  if (!district) return;
  const day = 24 * 3_600_000;
  const createdAt = new Date(Date.now() - 3 * day);
  await db.transaction(async (tx) => {
    const [family] = await tx
      .insert(families)
      .values({
        districtId: district.id,
        locality: 'Липецк',
        address: 'г. Липецк, ул. Гагарина, д. 12, кв. 34',
        curatorId,
        createdAt,
      })
      .returning();
    const [member] = await tx
      .insert(familyMembers)
      .values({
        familyId: family!.id,
        telegramId: person.telegramId,
        fullName: `${person.firstName} ${person.lastName}`,
        relationship: 'wife',
        phone: person.phone,
        language: 'ru',
        consentVersion: 'sandbox',
        consentAt: createdAt,
        createdAt,
      })
      .returning();
    await tx.insert(consentEvents).values({
      telegramId: person.telegramId,
      memberId: member!.id,
      decision: 'agreed',
      consentVersion: 'sandbox',
      createdAt,
    });
    await tx.insert(servicemen).values({ familyId: family!.id, fullName: 'Иванов Сергей Петрович' });
    const [child] = await tx
      .insert(householdMembers)
      .values({
        familyId: family!.id,
        kind: 'child',
        fullName: 'Иванова Дарья Сергеевна',
        birthDate: '2021-03-14',
        institution: 'kindergarten',
      })
      .returning();
    // Typed against the request dialogue's schema, so the family's «Мои заявки» can show these details.
    const details = {
      children: [{ householdMemberId: child!.id, name: child!.fullName! }],
      schedule: { kind: 'regular', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: 'с 8:00 до 18:00' },
      address: 'г. Липецк, ул. Гагарина, д. 12, кв. 34',
    } satisfies NannyDetails;
    const takenAt = new Date(createdAt.getTime() + 40 * 60_000);
    const resolvedAt = new Date(createdAt.getTime() + 2 * day);
    const [request] = await tx
      .insert(requests)
      .values({
        familyId: family!.id,
        memberId: member!.id,
        category: 'nanny',
        details,
        priority: 'normal',
        status: 'resolved',
        curatorId,
        createdAt,
        assignedAt: createdAt,
        takenAt,
        takenById: curatorId,
        resolvedAt,
        ...deadlinesFor('nanny', 'normal', createdAt),
        updatedAt: resolvedAt,
      })
      .returning();
    const staffActor = { actorKind: 'staff' as const, actorStaffId: curatorId };
    await tx.insert(requestEvents).values([
      {
        requestId: request!.id,
        type: 'created',
        actorKind: 'family',
        actorMemberId: member!.id,
        createdAt,
      },
      {
        requestId: request!.id,
        type: 'assigned',
        actorKind: 'system',
        data: { curatorId },
        createdAt,
      },
      { requestId: request!.id, type: 'taken', ...staffActor, createdAt: takenAt },
      {
        requestId: request!.id,
        type: 'status_changed',
        ...staffActor,
        data: { from: 'in_progress', to: 'resolved' },
        createdAt: resolvedAt,
      },
    ]);
  });
}

/** Reference data a reset keeps (every other table of the app is demo data); add new reference tables here. */
const TABLES_KEPT_ON_RESET = ['districts'];

/**
 * Forgets everything the sandbox did: every app table but the districts, the request numbers, and the
 * dialogue state in Redis. Row ids are not restarted, so a job still queued for an old row finds nothing
 * rather than a new row that took its id.
 */
export async function clearSandboxData({
  db,
  redis,
  redisPrefix,
}: {
  db: Db;
  redis: Redis;
  redisPrefix: string;
}) {
  const rows = await db.execute<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public'
      and tablename not in (${sql.join(
        TABLES_KEPT_ON_RESET.map((name) => sql`${name}`),
        sql`, `,
      )})`,
  );
  const tables = [...rows].map((row) => `"public"."${row.tablename.replaceAll('"', '""')}"`);
  if (tables.length > 0) await db.execute(sql.raw(`truncate table ${tables.join(', ')} cascade`));
  await db.execute(sql`alter sequence request_number_seq restart`);
  // Dialogue state and its idle index (src/bot/dialogue/storage.ts): `<prefix>:dlg:…`.
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:dlg:*`, 'COUNT', 500);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
}
