/**
 * Demo data of the sandbox: the emulated people, the staff bound to them, and one family with a resolved
 * request. Staff join the way real staff do (an invite link opened in the bot), so their chats in the page
 * start with the bot's own welcome and the bot treats them as staff from then on.
 */
import { eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../db/client.js';
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
import { deadlinesFor } from '../deadline-policies.js';
import { askCheckInNow } from '../features/check-ins/index.js';
import { saveDemoSchedule } from '../features/psychologists/index.js';
import type { detailsSchemas } from '../features/requests/index.js';
import { createStaffInvite, redeemStaffInvite } from '../features/staff/index.js';
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
  /** A psychologist's institution (the invite's `--institution`). */
  institution?: string;
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
      'Елена Васильева — руководитель кураторов (Липецк, Грязинский район): ей приходят оповещения, когда заявку не взяли в срок; /announce — объявление семьям',
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
    telegramId: 100_000_008,
    firstName: 'Ирина',
    lastName: 'Белова',
    phone: '+79001000008',
    role: 'psychologist',
    title: 'Психолог',
    subtitle:
      'Ирина Белова — психолог областного центра (Липецк, Грязинский район), ведёт приём по будням 9:00–18:00: /today, /week, /schedule',
    shownByDefault: false,
    districtCodes: ['lipetsk-city', 'gryazi'],
    institution: 'Областной центр психологической помощи',
  },
  {
    telegramId: 100_000_006,
    firstName: 'Ольга',
    lastName: 'Иванова',
    phone: '+79001000006',
    role: 'family',
    title: 'Семья Ивановых',
    subtitle: 'Ольга Иванова — уже зарегистрирована, её заявка на няню решена; ответьте на «Как у вас дела?»',
    shownByDefault: false,
  },
];

const STAFF_ROLES: ReadonlySet<SandboxRole> = new Set<SandboxRole>([
  'curator',
  'supervisor',
  'observer',
  'psychologist',
]);

export function isStaffPerson(person: SandboxPerson): person is SandboxPerson & { role: StaffRole } {
  return STAFF_ROLES.has(person.role);
}

export interface SandboxSeedDeps {
  db: Db;
  emulator: Emulator;
  /** How long to wait for the bot to welcome a staff member before binding them directly. */
  botTimeoutMs?: number;
  onWarning?: (message: string) => void;
  /** Hands notifications the seed made to delivery at once (else the reconciler's next pass does). */
  queueNotifications?: (ids: number[]) => Promise<void>;
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
        ...(person.institution ? { institution: person.institution } : {}),
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
  // The demo psychologist's week: weekdays 9:00–18:00, 50-minute consultations, every format.
  for (const person of people.filter((p) => p.role === 'psychologist')) {
    const staffId = staffIds.get(person.telegramId);
    if (staffId !== undefined) await saveDemoSchedule(deps.db, staffId);
  }
  const resolvedFamily = people.find((person) => person.role === 'family');
  const curator = people.find((person) => person.role === 'curator');
  const curatorId = curator ? staffIds.get(curator.telegramId) : undefined;
  if (resolvedFamily && curatorId !== undefined) {
    const familyId = await seedFamilyWithResolvedRequest(deps.db, resolvedFamily, curatorId);
    // «Как у вас дела?» waits in her chat: try «Позвоните мне» and the curator's two taps.
    if (familyId !== undefined)
      await deps.queueNotifications?.(await askCheckInNow({ db: deps.db }, familyId));
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
  const createdAt = new Date(Date.now() - 3 * DAY_MS);
  return db.transaction(async (tx) => {
    const family = await insertSandboxFamily(tx, person, { districtId: district.id, curatorId, createdAt });
    await insertResolvedNannyRequest(tx, family, curatorId, createdAt);
    return family.familyId;
  });
}

const DAY_MS = 24 * 3_600_000;
const SANDBOX_ADDRESS = 'г. Липецк, ул. Гагарина, д. 12, кв. 34';

/** The family of the sandbox's family member: consent given, a serviceman, a child in kindergarten. */
async function insertSandboxFamily(
  tx: DbOrTx,
  person: SandboxPerson,
  values: { districtId: number; curatorId: number; createdAt: Date },
) {
  const { createdAt } = values;
  const [family] = await tx
    .insert(families)
    .values({ ...values, locality: 'Липецк', address: SANDBOX_ADDRESS })
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
  return { familyId: family!.id, memberId: member!.id, child: { id: child!.id, name: child!.fullName! } };
}

/** A nanny request taken 40 minutes after it was made and resolved two days later, with its events. */
async function insertResolvedNannyRequest(
  tx: DbOrTx,
  family: Awaited<ReturnType<typeof insertSandboxFamily>>,
  curatorId: number,
  createdAt: Date,
) {
  // Typed against the request dialogue's schema, so the family's «Мои заявки» can show these details.
  const details = {
    children: [{ householdMemberId: family.child.id, name: family.child.name }],
    schedule: { kind: 'regular', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: 'с 8:00 до 18:00' },
    address: SANDBOX_ADDRESS,
  } satisfies NannyDetails;
  const takenAt = new Date(createdAt.getTime() + 40 * 60_000);
  const resolvedAt = new Date(createdAt.getTime() + 2 * DAY_MS);
  const [request] = await tx
    .insert(requests)
    .values({
      familyId: family.familyId,
      memberId: family.memberId,
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
  const requestId = request!.id;
  const staffActor = { actorKind: 'staff' as const, actorStaffId: curatorId };
  await tx.insert(requestEvents).values([
    { requestId, type: 'created', actorKind: 'family', actorMemberId: family.memberId, createdAt },
    { requestId, type: 'assigned', actorKind: 'system', data: { curatorId }, createdAt },
    { requestId, type: 'taken', ...staffActor, createdAt: takenAt },
    {
      requestId,
      type: 'status_changed',
      ...staffActor,
      data: { from: 'in_progress', to: 'resolved' },
      createdAt: resolvedAt,
    },
  ]);
}

/** Reference data a reset keeps (every other table of the app is demo data); add new reference tables here. */
const TABLES_KEPT_ON_RESET = ['districts', 'measures'];

/**
 * Forgets everything the sandbox did: every app table but the districts and the measures catalogue, the request numbers, and the
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
