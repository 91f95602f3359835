import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { families, familyMembers, staff } from '../../db/schema/index.js';
import type { Translate } from '../../i18n.js';
import { formatRegionDate } from '../../time.js';
import { createCheckInsRepository } from './check-ins.repository.js';

/** «Последний контакт: 01.12.2026» (or «ещё не было») for the family card. */
export async function lastContactText(db: DbOrTx, t: Translate, familyId: number, timeZone: string) {
  const at = (await createCheckInsRepository({ db }).lastContacts([familyId])).get(familyId);
  return at ? t('ci-last-contact', { date: formatRegionDate(at, timeZone) }) : t('ci-last-contact-none');
}

/** How many of the curator's families /my lists, longest without contact first. */
const MY_FAMILIES_SHOWN = 10;

/**
 * /my's last block: the curator's families with the date of last contact, those longest without contact
 * first (never first of all). Empty for staff without families.
 */
export async function myFamiliesContactText(db: DbOrTx, t: Translate, telegramId: number, timeZone: string) {
  const rows = await db
    .select({ id: families.id, name: familyMembers.fullName, memberId: familyMembers.id })
    .from(families)
    .innerJoin(staff, eq(staff.id, families.curatorId))
    .innerJoin(familyMembers, and(eq(familyMembers.familyId, families.id), isNull(familyMembers.erasedAt)))
    .where(and(eq(staff.telegramId, telegramId), eq(staff.active, true), isNull(families.erasedAt)))
    .orderBy(asc(families.id), asc(familyMembers.id));
  const byFamily = new Map<number, string>();
  for (const row of rows) if (!byFamily.has(row.id)) byFamily.set(row.id, row.name ?? '—');
  if (byFamily.size === 0) return undefined;
  const contacts = await createCheckInsRepository({ db }).lastContacts([...byFamily.keys()]);
  const sorted = [...byFamily.entries()].sort(
    ([a], [b]) => (contacts.get(a)?.getTime() ?? 0) - (contacts.get(b)?.getTime() ?? 0),
  );
  const lines = sorted.slice(0, MY_FAMILIES_SHOWN).map(([id, name]) => {
    const at = contacts.get(id);
    return t('ci-my-family', { name, date: at ? formatRegionDate(at, timeZone) : t('ci-silent-never') });
  });
  return [t('ci-my-title', { count: byFamily.size }), ...lines].join('\n');
}
