import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import type { RequestCategory, RequestPriority, StaffRole } from '../../src/db/schema/enums.js';
import { districts, staff as staffTable } from '../../src/db/schema/index.js';
import type { DeadlinePolicies } from '../../src/deadline-policies.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import type { createEmulator } from '../../src/sandbox/emulator.js';
import { createRegisteredFamily, firstDistrictId, type RegisteredFamilyOptions } from './factories.js';
import {
  createConfirmedRequest,
  createFamilyWithMember,
  createStaffMember,
  districtByCode,
} from './routing-factories.js';

type Emulator = ReturnType<typeof createEmulator>;

/**
 * Declarative seeding for end-to-end tests: a test names the people and requests it needs, the way a reader
 * would describe the situation, and gets back rows and chats by those names:
 *
 *     const { staff: { anna }, families: { maria }, requests: { nanny } } = await bot.seed({
 *       staff: { anna: { name: 'Анна Петрова', districts: ['gryazi'] } },
 *       families: { maria: { curator: 'anna' } },
 *       requests: { nanny: { family: 'maria', routedTo: 'anna' } },
 *     });
 *
 * Everyone gets a Telegram account in the emulator (its id is both the chat and the telegram id) unless
 * `chat: false`. Rows are written the way the product writes them (test/helpers/factories.ts,
 * routing-factories.ts): a request as the family confirms it, so it goes through routing and delivery.
 */
export interface SeedSpec<S extends string, F extends string, R extends string> {
  staff?: Record<S, StaffSeed<NoInfer<S>>>;
  families?: Record<F, FamilySeed<NoInfer<S>>>;
  requests?: Record<R, RequestSeed<NoInfer<S>, NoInfer<F>>>;
}

export interface StaffSeed<S extends string> {
  /** Full name; the Telegram account's first name is its first word. */
  name: string;
  /** District codes (districts.code). */
  districts?: string[];
  role?: StaffRole;
  regional?: boolean;
  onCall?: boolean;
  active?: boolean;
  awayUntil?: Date | null;
  /** Another staff member standing in while this one is away: one of this seed, or seeded before. */
  deputy?: S | SeededStaff;
  /** The Telegram account's language. Default ru. */
  language?: 'ru' | 'en';
}

export interface FamilySeed<S extends string>
  extends Pick<RegisteredFamilyOptions, 'address' | 'memberName' | 'children' | 'elderly' | 'language'> {
  /** District code. Default: the curator's first district, else the first district. */
  district?: string;
  /** One of this seed's staff, or one seeded before. */
  curator?: S | SeededStaff;
  /**
   * False: a family member without a Telegram account (nothing is ever sent to the family), and without the
   * passport's household and serviceman.
   */
  chat?: boolean;
}

export interface RequestSeed<S extends string, F extends string> {
  /** One of this seed's families, or one seeded before. */
  family: F | SeededFamily;
  category?: RequestCategory;
  priority?: RequestPriority;
  createdAt?: Date;
  /** The deadline policies the service under test runs (the SPEC §5 defaults when absent). */
  policies?: DeadlinePolicies;
  /**
   * Waits until the request's card has reached this staff member's chat (it is then `card`), and, when the
   * family has a chat and this is a curator, the family's notice who has it (so the family's next wait sees
   * what comes after).
   */
  routedTo?: S | SeededStaff;
}

type District = Awaited<ReturnType<typeof districtByCode>>;

export type SeededStaff = Awaited<ReturnType<typeof createStaffMember>> & {
  /** The staff member's Telegram chat (also their telegram id). */
  chat: number;
  districts: District[];
};
export type SeededFamily = Awaited<ReturnType<typeof createRegisteredFamily>> & {
  district: District;
  /** The family member's Telegram chat (reading it throws for a family seeded with `chat: false`). */
  chat: number;
};
export type SeededRequest = Awaited<ReturnType<typeof createConfirmedRequest>> & {
  /** The card in the `routedTo` staff member's chat. */
  card: StoredMessage | undefined;
};

export interface Seeded<S extends string, F extends string, R extends string> {
  staff: Record<S, SeededStaff>;
  families: Record<F, SeededFamily>;
  requests: Record<R, SeededRequest>;
}

const WAIT = 15_000;

export async function seedWorld<S extends string, F extends string, R extends string>(
  { db, emulator }: { db: Db; emulator: Emulator },
  spec: SeedSpec<S, F, R>,
): Promise<Seeded<S, F, R>> {
  const districtCache = new Map<string, District>();
  const district = async (code: string) => {
    if (!districtCache.has(code)) districtCache.set(code, await districtByCode(db, code));
    return districtCache.get(code)!;
  };

  const staff = {} as Record<S, SeededStaff>;
  const staffSeeds = entries(spec.staff);
  for (const [key, seed] of staffSeeds) {
    const user = emulator.createUser({
      first_name: firstWord(seed.name),
      language_code: seed.language ?? 'ru',
    });
    const where: District[] = [];
    for (const code of seed.districts ?? []) where.push(await district(code));
    const row = await createStaffMember(db, {
      telegramId: user.id,
      fullName: seed.name,
      districtIds: where.map((d) => d.id),
      role: seed.role,
      regional: seed.regional,
      onCall: seed.onCall,
      active: seed.active,
      awayUntil: seed.awayUntil,
    });
    staff[key] = { ...row, chat: user.id, districts: where };
  }
  for (const [key, seed] of staffSeeds) {
    if (seed.deputy === undefined) continue;
    const deputyId = pick(staff, seed.deputy).id;
    await db.update(staffTable).set({ deputyId }).where(eq(staffTable.id, staff[key].id));
    staff[key].deputyId = deputyId;
  }

  const families = {} as Record<F, SeededFamily>;
  for (const [key, seed] of entries(spec.families)) {
    const curator = seed.curator === undefined ? undefined : pick(staff, seed.curator);
    const where = seed.district
      ? await district(seed.district)
      : (curator?.districts[0] ?? (await districtById(db, await firstDistrictId(db))));
    const options = { curatorId: curator?.id ?? null, memberName: seed.memberName };
    if (seed.chat === false) {
      const made = await createFamilyWithMember(db, { ...options, districtId: where.id });
      families[key] = {
        ...made,
        children: [],
        elderly: [],
        district: where,
        get chat(): number {
          throw new Error(`family ${key} was seeded without a chat`);
        },
      };
      continue;
    }
    const user = emulator.createUser({
      first_name: firstWord(seed.memberName ?? 'Мария'),
      language_code: seed.language ?? 'ru',
    });
    const made = await createRegisteredFamily(db, {
      ...seed,
      ...options,
      telegramId: user.id,
      districtId: where.id,
    });
    families[key] = { ...made, district: where, chat: user.id };
  }

  const requests = {} as Record<R, SeededRequest>;
  const requestSeeds = entries(spec.requests);
  for (const [key, seed] of requestSeeds) {
    const { family, member } = pick(families, seed.family);
    const row = await createConfirmedRequest(db, { ...seed, familyId: family.id, memberId: member.id });
    requests[key] = { ...row, card: undefined };
  }
  for (const [key, seed] of requestSeeds) {
    if (seed.routedTo === undefined) continue;
    const request = requests[key];
    const to = pick(staff, seed.routedTo);
    request.card = await arrived(emulator, to.chat, (m) => m.text?.includes(`№ ${request.number}`) ?? false);
    const familyChat = pick(families, seed.family).member.telegramId;
    if (familyChat !== null && to.role === 'curator') {
      await arrived(
        emulator,
        familyChat,
        (m) => m.text?.includes(`№ ${request.number} доставлена куратору`) ?? false,
      );
    }
  }
  return { staff, families, requests };
}

/**
 * The bot's message in `chat` that matches, already there or still to come: several requests seeded at once
 * may reach one chat while the seed still waits for an earlier one (a wait sees only what comes after it).
 */
async function arrived(emulator: Emulator, chat: number, matches: (m: StoredMessage) => boolean) {
  const there = emulator.messages(chat, { from: 'bot' }).find(matches);
  return there ?? emulator.waitForMessage(chat, matches, WAIT);
}

const entries = <K extends string, V>(record: Record<K, V> | undefined) =>
  Object.entries(record ?? {}) as [K, V][];

/** One of this seed's (by its name) or one seeded before (as it was returned). */
const pick = <K extends string, V>(seeded: Record<K, V>, which: K | V): V =>
  typeof which === 'string' ? seeded[which as K] : (which as V);

const firstWord = (name: string) => name.split(' ')[0]!;

async function districtById(db: Db, id: number) {
  const [row] = await db.select().from(districts).where(eq(districts.id, id));
  return row!;
}
